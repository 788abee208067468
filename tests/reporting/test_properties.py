"""Property tests: for random small datasets the engine equals a plain-Python reading of
DESIGN.md §3, persons ≤ services in every cell, and every breakdown sums to its total."""

import datetime
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from assistance.models import Assistance
from beneficiaries.models import Beneficiary, age_on
from reporting.engine import Scope, compute
from reporting.models import AGE_SCHEMES, Indicator
from reporting.periods import Period
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory

D = datetime.date
PERIOD = Period(D(2023, 4, 1), D(2023, 6, 30))
PAIRS = [
    ("medical", "consultation"), ("medical", "referral_public_health"),
    ("medical", "referral_public_health"), ("food", "meal"),
    ("avrr", "return_from_morocco"), ("avrr", "return_from_morocco"), ("avrr", "counselling"),
    ("avrr", "return_to_morocco"), ("reintegration", "cash"), ("reintegration", "business"),
]  # fmt: skip
COUNTRIES = ["GN", "SN", "CI"]

# A small catalogue exercising every kind of filter, each in both units.
FILTERS = [
    ("any", [], [], [], "standard", False, False),
    ("medical", ["medical"], [], [], "standard", False, True),
    ("referral_ok", ["medical"], ["referral_public_health"], ["service_received"], "standard",
     False, False),
    ("returns", ["avrr"], ["return_from_morocco"], [], "avrr", True, False),
    ("reintegration", ["reintegration"], [], [], "returnees", True, True),
]  # fmt: skip
CATALOGUE = [
    Indicator(
        code=f"{name}_{unit}", unit=unit, categories=c, subtypes=s, outcomes=o, age_scheme=scheme,
        by_country=by_country, by_subtype=by_subtype,
    )
    for name, c, s, o, scheme, by_country, by_subtype in FILTERS
    for unit in ("persons", "services")
]  # fmt: skip


# --- the reference implementation of section 3 ---


def ref_band(age, scheme):
    if age is None or age < 0:
        return "unknown"
    for lo, hi in AGE_SCHEMES[scheme]:
        if lo <= age and (hi is None or age <= hi):
            return f"{lo}+" if hi is None else f"{lo}-{hi}"
    return "unknown"


def ref_class(sex, age):
    if sex not in ("F", "M") or age is None or age < 0:
        return "unknown"
    return {("F", True): "girls", ("F", False): "women", ("M", True): "boys"}.get(
        (sex, age < 18), "men"
    )


# `reference(..., project_id=EVERY)`: every row, of any project or of none (the mission).
EVERY = object()


def reference(people, rows, indicator, project_id, provider_id=None):
    def person_of(row):
        record = people[row["beneficiary"]]
        return people[record["merged_into"]] if record["merged_into"] is not None else record

    def qualifies(row):
        return (
            row["status"] == "delivered"
            and PERIOD.start <= row["delivered_on"] <= PERIOD.end
            and (project_id is EVERY or row["project"] == project_id)
            and (provider_id is None or row["provider"] == provider_id)
            and (not indicator.categories or row["category"] in indicator.categories)
            and (not indicator.subtypes or row["subtype"] in indicator.subtypes)
            and (not indicator.outcomes or row["outcome"] in indicator.outcomes)
        )

    def age(person, day):
        return age_on(date_of_birth=person["dob"], birth_year=person["birth_year"], on=day)

    out = {k: 0 for k in ("total", "women", "girls", "men", "boys", "unknown")}
    bands = {
        f"{lo}+" if hi is None else f"{lo}-{hi}": 0 for lo, hi in AGE_SCHEMES[indicator.age_scheme]
    }
    bands["unknown"] = 0
    countries = defaultdict(lambda: {"F": 0, "M": 0, "unknown": 0})
    subtypes = defaultdict(int)
    counted = []  # (person, row classifying it)
    qualifying = sorted(
        (r for r in rows if qualifies(r)), key=lambda r: (r["delivered_on"], r["id"])
    )
    if indicator.unit == "services":
        counted = [(person_of(r), r) for r in qualifying]
        for r in qualifying:
            subtypes[r["subtype"]] += 1
    else:
        first, seen_subtypes = {}, defaultdict(set)
        for r in qualifying:
            p = person_of(r)
            first.setdefault(p["id"], (p, r))
            seen_subtypes[r["subtype"]].add(p["id"])
        counted = list(first.values())
        for subtype, ids in seen_subtypes.items():
            subtypes[subtype] = len(ids)
    for p, r in counted:
        a = age(p, r["delivered_on"])
        out["total"] += 1
        out[ref_class(p["sex"], a)] += 1
        bands[ref_band(a, indicator.age_scheme)] += 1
        if r["country"]:
            countries[r["country"]][p["sex"] if p["sex"] in ("F", "M") else "unknown"] += 1
    out["by_age_band"] = bands
    if indicator.by_country:
        out["by_country"] = dict(sorted((k, dict(v)) for k, v in countries.items()))
    if indicator.by_subtype:
        out["by_subtype"] = dict(sorted(subtypes.items()))
    return out


# --- random datasets ---

people_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "sex": st.sampled_from(["F", "M", "U"]),
            "dob": st.none() | st.dates(D(2003, 1, 1), D(2012, 12, 31)),
            "birth_year": st.none() | st.integers(2003, 2023),
            "merge": st.booleans(),
        }
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def row_strategy(draw):
    # Weighted towards the rows the interesting indicators count.
    category, subtype = draw(st.sampled_from(PAIRS))
    return {
        "beneficiary": draw(st.integers(0, 2)),
        "category": category,
        "subtype": subtype,
        "delivered_on": draw(st.dates(D(2023, 3, 29), D(2023, 7, 2))),
        "status": draw(
            st.sampled_from(["delivered", "delivered", "delivered", "planned", "cancelled"])
        ),
        "outcome": draw(st.sampled_from(["", "service_received", "no_show"])),
        "country": draw(st.sampled_from(COUNTRIES))
        if subtype in ("return_from_morocco", "return_to_morocco")
        else draw(st.sampled_from(["", "", "GN"])),
        "other_project": draw(st.integers(0, 5)) == 0,
        "other_provider": draw(st.booleans()),
    }


edit_strategy = st.one_of(
    st.tuples(
        st.just("person"), st.integers(0, 15), st.sampled_from(["F", "M", "U"]),
        st.none() | st.dates(D(2003, 1, 1), D(2012, 12, 31)),
    ),
    st.tuples(st.just("merge"), st.integers(1, 2)),
    st.tuples(
        st.just("row"), st.integers(0, 15), st.sampled_from(["delivered", "cancelled"]),
        st.dates(D(2023, 3, 29), D(2023, 7, 2)),
    ),
    st.tuples(st.just("delete"), st.integers(0, 15)),
)  # fmt: skip


class EngineMatchesReference(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.partner = OrganisationFactory(slug="prop-a")
        cls.other_partner = OrganisationFactory(slug="prop-b")
        donor = DonorFactory(slug="prop-donor")
        cls.project = ProjectFactory(code="PROP", donor=donor)
        cls.other_project = ProjectFactory(code="PROP-OTHER", donor=donor)

    def load(self, people_spec, rows_spec):
        people = []
        for i, spec in enumerate(people_spec):
            dob = spec["dob"]
            people.append(
                Beneficiary(
                    organisation=self.partner, beneficiary_ref=f"P{i}", sex=spec["sex"],
                    date_of_birth=dob, birth_year=None if dob else spec["birth_year"],
                    registered_on=D(2023, 1, 1),
                )
            )  # fmt: skip
        Beneficiary.objects.bulk_create(people)
        # Some people are merged into the first record (rows may or may not have moved).
        for spec, record in zip(people_spec[1:], people[1:], strict=False):
            if spec["merge"]:
                record.merged_into = people[0]
                record.save(update_fields=["merged_into"])
        rows = [
            Assistance(
                beneficiary=people[r["beneficiary"] % len(people)],
                category=r["category"], subtype=r["subtype"], delivered_on=r["delivered_on"],
                status=r["status"], outcome=r["outcome"], country=r["country"],
                project=self.other_project if r["other_project"] else self.project,
                provider=self.other_partner if r["other_provider"] else self.partner,
            )
            for r in rows_spec
        ]  # fmt: skip
        Assistance.objects.bulk_create(rows)
        plain_people = {
            p.pk: {
                "id": p.pk, "sex": p.sex, "dob": p.date_of_birth, "birth_year": p.birth_year,
                "merged_into": p.merged_into_id,
            }
            for p in people
        }  # fmt: skip
        plain_rows = [
            {
                "id": a.pk, "beneficiary": a.beneficiary_id, "category": a.category,
                "subtype": a.subtype, "delivered_on": a.delivered_on, "status": a.status,
                "outcome": a.outcome, "country": a.country, "project": a.project_id,
                "provider": a.provider_id,
            }
            for a in rows
        ]  # fmt: skip
        return plain_people, plain_rows

    def edit(self, people, rows, edits):
        """Apply `edits` to the database (plain ORM updates and deletes, as any code path
        might) and to the plain copies the reference reads."""
        ids = sorted(people)
        for edit in edits:
            if edit[0] == "person":
                # The person of a row, when there are rows: an edit that changes figures.
                _op, index, sex, dob = edit
                person = people[rows[index % len(rows)]["beneficiary"] if rows else ids[0]]
                Beneficiary.objects.filter(pk=person["id"]).update(
                    sex=sex, date_of_birth=dob, birth_year=None if dob else person["birth_year"]
                )
                person.update(sex=sex, dob=dob, birth_year=None if dob else person["birth_year"])
            elif edit[0] == "merge" and len(ids) > 1:
                duplicate = people[ids[edit[1] % len(ids)]]
                if duplicate["id"] != ids[0] and duplicate["merged_into"] is None:
                    Beneficiary.objects.filter(pk=duplicate["id"]).update(merged_into=ids[0])
                    duplicate["merged_into"] = ids[0]
            elif edit[0] == "row" and rows:
                _op, index, status, day = edit
                row = rows[index % len(rows)]
                Assistance.objects.filter(pk=row["id"]).update(status=status, delivered_on=day)
                row.update(status=status, delivered_on=day)
            elif edit[0] == "delete" and rows:
                row = rows.pop(edit[1] % len(rows))
                Assistance.objects.filter(pk=row["id"]).delete()

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        people_strategy,
        st.lists(row_strategy(), max_size=16),
        st.booleans(),
        st.lists(edit_strategy, max_size=4),
    )
    def test_engine_equals_reference(self, people_spec, rows_spec, cut_to_provider, edits):
        people, rows = self.load(people_spec, rows_spec)
        # Later corrections reach the figures through the fact table's triggers.
        self.edit(people, rows, edits)
        provider_id = self.partner.pk if cut_to_provider else None
        scope = Scope(project_id=self.project.pk, organisation_id=provider_id)
        with self.assertNumQueries(1):
            results = compute(scope, PERIOD, CATALOGUE)
        for indicator in CATALOGUE:
            got = results[indicator.code].as_json()
            expected = reference(people, rows, indicator, self.project.pk, provider_id)
            got.pop("unit")
            assert got == expected, indicator.code

            sexes = sum(got[k] for k in ("women", "girls", "men", "boys", "unknown"))
            assert sexes == got["total"] == sum(got["by_age_band"].values())
        for name, *_rest in FILTERS:
            persons = results[f"{name}_persons"].as_json()
            services = results[f"{name}_services"].as_json()
            for key in ("total", "women", "girls", "men", "boys", "unknown"):
                assert persons[key] <= services[key]
            for band, count in persons["by_age_band"].items():
                assert count <= services["by_age_band"][band]
            for country, by_sex in persons.get("by_country", {}).items():
                for sex, count in by_sex.items():
                    assert count <= services["by_country"][country][sex]
            for subtype, count in persons.get("by_subtype", {}).items():
                assert count <= services["by_subtype"][subtype]
