"""Property tests of the mission bilan (DESIGN.md §9): for random small datasets spread over
two projects and none, the mission's figures equal a plain-Python reading of the rules over
every row; its persons are the distinct persons over all projects (never the sum of the
projects'); each axis's persons are the distinct persons of its sub-themes; the persons by city
add up to the persons reached."""

from collections import defaultdict

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from assistance.models import Assistance
from beneficiaries.models import Beneficiary, age_on
from frameworks.models import Axis, SubTheme
from partners.models import City
from reporting.engine import Scope, compute
from reporting.mission import UNKNOWN_CITY, mission_bilan
from reporting.models import Indicator
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory
from tests.reporting.test_properties import (
    EVERY,
    FILTERS,
    PERIOD,
    D,
    people_strategy,
    ref_band,
    ref_class,
    reference,
    row_strategy,
)

# Each filter of the property catalogue in a sub-theme: two sub-themes of `protection`
# (medical + referrals in one, returns in another) and one of `youth`; "any" in none.
THEMES = {"medical": "medical", "referral_ok": "medical", "returns": "avrr",
          "reintegration": "youth_employment"}  # fmt: skip
SEXES = ("total", "women", "girls", "men", "boys", "unknown")


def catalogue():
    themes = {t.code: t for t in SubTheme.objects.filter(code__in=set(THEMES.values()))}
    return [
        Indicator(
            code=f"{name}_{unit}", unit=unit, categories=c, subtypes=s, outcomes=o,
            age_scheme=scheme, by_country=by_country, by_subtype=by_subtype,
            sub_theme=themes.get(THEMES.get(name)),
        )
        for name, c, s, o, scheme, by_country, by_subtype in FILTERS
        for unit in ("persons", "services")
    ]  # fmt: skip


def qualifying_persons(people, rows, indicator):
    """{person id: (person, first qualifying row)} of `indicator` over every row."""

    def person_of(row):
        record = people[row["beneficiary"]]
        return people[record["merged_into"]] if record["merged_into"] is not None else record

    found = {}
    for r in sorted(rows, key=lambda r: (r["delivered_on"], r["id"])):
        if (
            r["status"] == "delivered"
            and PERIOD.start <= r["delivered_on"] <= PERIOD.end
            and (not indicator.categories or r["category"] in indicator.categories)
            and (not indicator.subtypes or r["subtype"] in indicator.subtypes)
            and (not indicator.outcomes or r["outcome"] in indicator.outcomes)
        ):
            person = person_of(r)
            found.setdefault(person["id"], (person, r))
    return found


def persons_of_union(people, rows, members):
    """The persons entry of "any of `members`": each person once, at their first row
    qualifying for any member."""
    firsts = {}
    for member in members:
        for pid, (person, row) in qualifying_persons(people, rows, member).items():
            if pid not in firsts or (row["delivered_on"], row["id"]) < (
                firsts[pid][1]["delivered_on"],
                firsts[pid][1]["id"],
            ):
                firsts[pid] = (person, row)
    out = dict.fromkeys(SEXES, 0)
    bands = defaultdict(int)
    for person, row in firsts.values():
        age = age_on(date_of_birth=person["dob"], birth_year=person["birth_year"],
                     on=row["delivered_on"])  # fmt: skip
        out["total"] += 1
        out[ref_class(person["sex"], age)] += 1
        bands[ref_band(age, "standard")] += 1
    return out, dict(bands), set(firsts)


class MissionMatchesReference(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.partner = OrganisationFactory(slug="mission-a")
        cls.other_partner = OrganisationFactory(slug="mission-b")
        donor = DonorFactory(slug="mission-donor")
        cls.project = ProjectFactory(code="MIS-1", donor=donor)
        cls.other_project = ProjectFactory(code="MIS-2", donor=donor)
        cls.cities = list(City.objects.order_by("code")[:2])

    def load(self, people_spec, rows_spec, placements):
        people = []
        for i, spec in enumerate(people_spec):
            dob = spec["dob"]
            people.append(
                Beneficiary(
                    organisation=self.partner, beneficiary_ref=f"M{i}", sex=spec["sex"],
                    date_of_birth=dob, birth_year=None if dob else spec["birth_year"],
                    registered_on=D(2023, 1, 1),
                )
            )  # fmt: skip
        Beneficiary.objects.bulk_create(people)
        for spec, record in zip(people_spec[1:], people[1:], strict=False):
            if spec["merge"]:
                record.merged_into = people[0]
                record.save(update_fields=["merged_into"])
        projects = [self.project, self.other_project, None]
        cities = [*self.cities, None]
        rows = [
            Assistance(
                beneficiary=people[r["beneficiary"] % len(people)],
                category=r["category"], subtype=r["subtype"], delivered_on=r["delivered_on"],
                status=r["status"], outcome=r["outcome"], country=r["country"],
                project=projects[project], city=cities[city],
                provider=self.other_partner if r["other_provider"] else self.partner,
            )
            for r, (project, city) in zip(rows_spec, placements, strict=False)
        ]  # fmt: skip
        Assistance.objects.bulk_create(rows)
        plain_people = {
            p.pk: {"id": p.pk, "sex": p.sex, "dob": p.date_of_birth,
                   "birth_year": p.birth_year, "merged_into": p.merged_into_id}
            for p in people
        }  # fmt: skip
        plain_rows = [
            {"id": a.pk, "beneficiary": a.beneficiary_id, "category": a.category,
             "subtype": a.subtype, "delivered_on": a.delivered_on, "status": a.status,
             "outcome": a.outcome, "country": a.country, "project": a.project_id,
             "provider": a.provider_id, "city": a.city.code if a.city else UNKNOWN_CITY}
            for a in rows
        ]  # fmt: skip
        return plain_people, plain_rows

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        people_strategy,
        st.lists(row_strategy(), max_size=16),
        st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=16, max_size=16),
    )
    def test_mission_equals_reference(self, people_spec, rows_spec, placements):
        people, rows = self.load(people_spec, rows_spec, placements)
        indicators = catalogue()
        # The axes and sub-themes, the engine's one statement, the codes of the cities
        # (none when no row has a city), the capacity-building events.
        with CaptureQueriesContext(connection) as queries:
            bilan = mission_bilan(PERIOD, indicators=indicators)
        assert len(queries) <= 5, [q["sql"][:60] for q in queries]

        # Every indicator is a project bilan's over every row, of any project or none.
        for indicator in indicators:
            got = dict(bilan["indicators"][indicator.code])
            got.pop("unit")
            assert got == reference(people, rows, indicator, EVERY), indicator.code

        # Persons reached: the distinct persons over all projects, not their sum.
        reached = bilan["indicators"]["any_persons"]["total"]
        union = set(qualifying_persons(people, rows, indicators[0]))
        assert reached == len(union)
        per_project = [
            compute(Scope(project_id=p.pk), PERIOD, [indicators[0]])["any_persons"].total
            for p in (self.project, self.other_project)
        ]
        assert reached >= max(per_project, default=0)
        if reached == 0:
            assert per_project == [0, 0]

        # Each axis: the distinct persons of its sub-themes (each in one pass, same rules).
        members = defaultdict(list)
        for indicator in indicators:
            if indicator.sub_theme is not None:
                members[indicator.sub_theme.code].append(indicator)
        for axis in Axis.objects.filter(is_active=True):
            entry = bilan["by_axis"][axis.code]
            themes = entry["sub_themes"]
            assert set(themes) == set(
                axis.sub_themes.filter(is_active=True).values_list("code", flat=True)
            )
            axis_members = [m for theme in themes for m in members[theme]]
            cells, bands, persons = persons_of_union(people, rows, axis_members)
            assert {k: entry["persons"][k] for k in SEXES} == cells, axis.code
            assert {k: v for k, v in entry["persons"]["by_age_band"].items() if v} == bands
            theme_persons = set()
            for theme, data in themes.items():
                cells, _bands, own = persons_of_union(people, rows, members[theme])
                assert {k: data["persons"][k] for k in SEXES} == cells, theme
                assert data["indicators"] == [m.code for m in members[theme]]
                theme_persons |= own
            assert persons == theme_persons
            assert set(entry["indicators"]) == {m.code for m in axis_members}

        # Persons by city: each person at the city of their first row; they add up.
        firsts = qualifying_persons(people, rows, indicators[0])
        expected = defaultdict(lambda: {"F": 0, "M": 0, "unknown": 0})
        for person, row in firsts.values():
            sex = person["sex"] if person["sex"] in ("F", "M") else "unknown"
            expected[row["city"]][sex] += 1
        assert bilan["by_city"] == dict(expected)
        assert sum(sum(cell.values()) for cell in bilan["by_city"].values()) == reached
