"""Property test of the case indicators (issue 14): for random people (sex, birth dates,
merges, city, population), random cases (openings, closures with reasons, reopenings, in two
organisations and one outside the project) and random deliveries of the project, the engine
equals a plain-Python reading of the rules of reporting/README.md ("Case indicators"), in
every scope it cuts by; every breakdown sums to its total; and erasing random people leaves
every figure as it was."""

import datetime
import statistics
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from assistance.models import Assistance
from beneficiaries.models import Beneficiary, age_on
from beneficiaries.protection import beneficiary_pseudonymise
from cases.models import Case, CaseTransition
from partners.access import SYSTEM
from reporting.engine import Scope, compute
from reporting.models import AGE_SCHEMES, Indicator
from reporting.periods import Period
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory, city
from tests.reporting.test_properties import ref_band, ref_class

D = datetime.date
PERIOD = Period(D(2023, 4, 1), D(2023, 6, 30))
REASONS = ["goals_met", "lost_contact", "returned_home"]
CITIES = [None, "oujda", "rabat"]
CATALOGUE = [
    Indicator(code="opened", source="case_openings", unit="persons"),
    Indicator(code="closed", source="case_closures", unit="persons", by_closure_reason=True),
    Indicator(code="closed_returnees", source="case_closures", unit="persons",
              age_scheme="returnees"),
    Indicator(code="days", source="case_closures", unit="days"),
    Indicator(code="days_avrr", source="case_closures", unit="days", age_scheme="avrr"),
]  # fmt: skip
KIND_OF = {"case_openings": "opened", "case_closures": "closed"}


def reference(people, cases, transitions, deliveries, indicator, scope, orgs):
    """The rules, read plainly: see reporting/README.md, "Case indicators"."""

    def survivor(record_id):
        record = people[record_id]
        return people[record["merged_into"]] if record["merged_into"] is not None else record

    def in_scope(case):
        p = survivor(case["beneficiary"])
        place = p["city"] if p["city"] is not None else orgs[case["organisation"]]["city"]
        if scope.organisation_id is not None and case["organisation"] != scope.organisation_id:
            return False
        if scope.city_id is not None and place != scope.city_id:
            return False
        if scope.population != "all" and p["migrant"] != (scope.population == "migrant"):
            return False
        if scope.project_id is not None:
            if not orgs[case["organisation"]]["in_project"]:
                return False
            return any(
                d["project"] == scope.project_id
                and d["status"] == "delivered"
                and d["delivered_on"] <= PERIOD.end
                and survivor(d["beneficiary"])["id"] == p["id"]
                for d in deliveries
            )
        return True

    kind = KIND_OF[indicator.source]
    events = sorted(
        (
            t
            for t in transitions
            if t["kind"] == kind
            and PERIOD.start <= t["on"] <= PERIOD.end
            and in_scope(cases[t["case"]])
        ),
        key=lambda t: (t["on"], t["id"]),
    )
    if indicator.unit == "persons":
        first, reasons = {}, defaultdict(set)
        for t in events:
            p = survivor(cases[t["case"]]["beneficiary"])
            first.setdefault(p["id"], (p, t["on"]))
            reasons[t["closure_reason"]].add(p["id"])
        counted = list(first.values())
    else:
        counted = [(survivor(cases[t["case"]]["beneficiary"]), t["on"]) for t in events]
    out = {"unit": indicator.unit}
    if indicator.unit == "days":
        durations = [(t["on"] - cases[t["case"]]["opened_on"]).days for t in events]
        out["median"] = float(statistics.median(durations)) if durations else None
    out.update(dict.fromkeys(("total", "women", "girls", "men", "boys", "unknown"), 0))
    bands = {
        f"{lo}+" if hi is None else f"{lo}-{hi}": 0 for lo, hi in AGE_SCHEMES[indicator.age_scheme]
    }
    bands["unknown"] = 0
    for p, day in counted:
        age = age_on(date_of_birth=p["dob"], birth_year=p["birth_year"], on=day)
        out["total"] += 1
        out[ref_class(p["sex"], age)] += 1
        bands[ref_band(age, indicator.age_scheme)] += 1
    out["by_age_band"] = bands
    if indicator.by_closure_reason:
        out["by_closure_reason"] = {r: len(ids) for r, ids in sorted(reasons.items())}
    return out


people_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "sex": st.sampled_from(["F", "M", "U"]),
            # Around the 18th birthday within the period, or any age, or a year only.
            "dob": st.sampled_from(["near_18", "near_18", "near_18", "any", "none"]).flatmap(
                lambda kind: {
                    "near_18": st.dates(D(2005, 3, 25), D(2005, 7, 5)),
                    "any": st.dates(D(1950, 1, 1), D(2020, 1, 1)),
                    "none": st.none(),
                }[kind]
            ),
            "birth_year": st.none() | st.integers(2004, 2006),
            "merge": st.integers(0, 3).map(lambda n: n == 0),
            "city": st.sampled_from(CITIES),
            "migrant": st.booleans(),
            "erase": st.booleans(),
        }
    ),
    min_size=1,
    max_size=4,
)

case_strategy = st.fixed_dictionaries(
    {
        "person": st.integers(0, 2),
        "organisation": st.integers(0, 2),  # 2: an organisation outside the project
        "opened_on": st.dates(D(2023, 2, 15), D(2023, 7, 5)),
        # Days after the previous event; closures and reopenings alternate.
        "steps": st.lists(st.tuples(st.integers(0, 40), st.sampled_from(REASONS)), max_size=4),
    }
)

delivery_strategy = st.fixed_dictionaries(
    {
        "person": st.integers(0, 3),
        "delivered_on": st.dates(D(2023, 1, 1), D(2023, 8, 31)),
        "status": st.sampled_from(["delivered", "delivered", "cancelled"]),
        "other_project": st.integers(0, 3).map(lambda n: n == 0),
    }
)

scope_strategy = st.sampled_from(
    ["none", "project", "organisation", "city", "region", "migrant", "national"]
)


class CaseIndicatorsMatchReference(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.partners = [
            OrganisationFactory(slug="case-prop-a", city=city("oujda")),
            OrganisationFactory(slug="case-prop-b", city=city("casablanca")),
            OrganisationFactory(slug="case-prop-out", city=None),
        ]
        donor = DonorFactory(slug="case-prop-donor")
        cls.project = ProjectFactory(code="CASE-PROP", donor=donor, partners=cls.partners[:2])
        cls.other_project = ProjectFactory(
            code="CASE-PROP-OTHER", donor=donor, partners=cls.partners
        )

    def load(self, people_spec, cases_spec, deliveries_spec):
        people = []
        for i, spec in enumerate(people_spec):
            people.append(
                Beneficiary(
                    organisation=self.partners[0], beneficiary_ref=f"CP{i}", sex=spec["sex"],
                    date_of_birth=spec["dob"],
                    birth_year=None if spec["dob"] else spec["birth_year"],
                    registered_on=D(2023, 1, 1), is_migrant=spec["migrant"],
                    city=city(spec["city"]) if spec["city"] else None,
                )
            )  # fmt: skip
        Beneficiary.objects.bulk_create(people)
        for spec, record in zip(people_spec[1:], people[1:], strict=False):
            if spec["merge"]:
                record.merged_into = people[0]
                record.save(update_fields=["merged_into"])

        cases, transitions, open_pairs = [], [], set()
        for spec in cases_spec:
            person = people[spec["person"] % len(people)]
            organisation = self.partners[spec["organisation"]]
            events, day = [("opened", spec["opened_on"], "")], spec["opened_on"]
            for n, (gap, reason) in enumerate(spec["steps"]):
                day += datetime.timedelta(days=gap)
                events.append(("closed", day, reason) if n % 2 == 0 else ("reopened", day, ""))
            pair = (person.pk, organisation.pk)
            if events[-1][0] != "closed" and pair in open_pairs:
                # One open case per person and organisation: this one ends closed.
                events.append(("closed", day, REASONS[0]))
            closed = events[-1][0] == "closed"
            if not closed:
                open_pairs.add(pair)
            case = Case.objects.create(
                beneficiary=person, organisation=organisation, opened_on=spec["opened_on"],
                status="closed" if closed else "open",
                closed_on=events[-1][1] if closed else None,
                closure_reason=events[-1][2] if closed else "",
            )  # fmt: skip
            cases.append(case)
            transitions += [
                CaseTransition(case=case, kind=kind, on=on, closure_reason=reason)
                for kind, on, reason in events
            ]
        CaseTransition.objects.bulk_create(transitions)

        deliveries = [
            Assistance(
                beneficiary=people[spec["person"] % len(people)], provider=self.partners[0],
                category="medical", subtype="consultation", delivered_on=spec["delivered_on"],
                status=spec["status"],
                project=self.other_project if spec["other_project"] else self.project,
            )
            for spec in deliveries_spec
        ]  # fmt: skip
        Assistance.objects.bulk_create(deliveries)

        plain_people = {
            p.pk: {"id": p.pk, "sex": p.sex, "dob": p.date_of_birth, "birth_year": p.birth_year,
                   "merged_into": p.merged_into_id, "city": p.city_id, "migrant": p.is_migrant}
            for p in people
        }  # fmt: skip
        plain_cases = {
            c.pk: {"beneficiary": c.beneficiary_id, "organisation": c.organisation_id,
                   "opened_on": c.opened_on}
            for c in cases
        }  # fmt: skip
        plain_transitions = [
            {"id": t.pk, "case": t.case_id, "kind": t.kind, "on": t.on,
             "closure_reason": t.closure_reason}
            for t in transitions
        ]  # fmt: skip
        plain_deliveries = [
            {"beneficiary": a.beneficiary_id, "project": a.project_id, "status": a.status,
             "delivered_on": a.delivered_on}
            for a in deliveries
        ]  # fmt: skip
        self.records = people
        return plain_people, plain_cases, plain_transitions, plain_deliveries

    def scope_of(self, name: str) -> Scope:
        return {
            "none": Scope(),
            "project": Scope(project_id=self.project.pk),
            "organisation": Scope(organisation_id=self.partners[1].pk),
            "city": Scope(city_id=city("oujda").pk),
            "region": Scope(region_id=city("rabat").region_id),
            "migrant": Scope(population="migrant"),
            "national": Scope(population="national"),
        }[name]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        people_strategy,
        st.lists(case_strategy, max_size=8),
        st.lists(delivery_strategy, max_size=5),
        scope_strategy,
    )
    def test_engine_equals_reference(self, people_spec, cases_spec, deliveries_spec, scope_name):
        people, cases, transitions, deliveries = self.load(people_spec, cases_spec, deliveries_spec)
        scope = self.scope_of(scope_name)
        orgs = {
            o.pk: {"city": o.city_id, "in_project": o in self.partners[:2]} for o in self.partners
        }
        if scope.region_id is not None:
            # The reference reads a region as the set of its cities.
            region_cities = set(city("rabat").region.cities.values_list("pk", flat=True))
        with self.assertNumQueries(1):
            results = compute(scope, PERIOD, CATALOGUE)
        for indicator in CATALOGUE:
            got = results[indicator.code].as_json()
            if scope.region_id is not None:
                expected = self._by_region(
                    people, cases, transitions, deliveries, indicator, orgs, region_cities
                )
            else:
                expected = reference(people, cases, transitions, deliveries, indicator, scope, orgs)
            assert got == expected, indicator.code
            sexes = sum(got[k] for k in ("women", "girls", "men", "boys", "unknown"))
            assert sexes == got["total"] == sum(got["by_age_band"].values())
        # A person closed in the period is counted by closures at least once.
        assert results["closed"].total <= results["days"].total

        # Erasing people (DESIGN.md §8) moves no figure: the ages are frozen on the
        # transitions before the dates of birth become years.
        erased = [
            record
            for spec, record in zip(people_spec, self.records, strict=True)
            if spec["erase"] and record.merged_into_id is None
        ]
        for record in erased:
            beneficiary_pseudonymise(beneficiary=record, reason="retention", acting_user=SYSTEM)
        after = compute(scope, PERIOD, CATALOGUE)
        for indicator in CATALOGUE:
            assert after[indicator.code].as_json() == results[indicator.code].as_json()

    @staticmethod
    def _by_region(people, cases, transitions, deliveries, indicator, orgs, region_cities):
        """The reference of a region: the union of its cities' events (a case is in one city)."""
        kept = []
        for t in transitions:
            case = cases[t["case"]]
            record = people[case["beneficiary"]]
            p = people[record["merged_into"]] if record["merged_into"] is not None else record
            place = p["city"] if p["city"] is not None else orgs[case["organisation"]]["city"]
            if place in region_cities:
                kept.append(t)
        return reference(people, cases, kept, deliveries, indicator, Scope(), orgs)
