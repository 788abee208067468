"""Property test of DESIGN.md §8: erasing people leaves every figure exactly as it was.

Random people (born near their 18th birthday within the period, born in a known year only,
of unknown age, or anywhere), random deliveries (tests/reporting/test_properties.py's
strategy), records merged into another with rows left on them or not; the bilan JSON of the
project (reporting.engine.bilan, what the bilan documents freeze) for several periods and
cuts; then a random subset of the people is pseudonymised through the service; the same
bilans again: identical, and the engine still equals the plain-Python reading of §3 on the
data as it was before the erasure. `manage.py reporting_facts` finds no drift after.
"""

import datetime
import io

from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_pseudonymise
from partners.access import SYSTEM
from reporting.engine import Scope, bilan, compute
from reporting.facts import facts_check
from reporting.periods import parse_period, period_between
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory
from tests.reporting.test_properties import CATALOGUE, PERIOD, reference, row_strategy

D = datetime.date
PERIODS = [
    parse_period("2023-Q2"),
    parse_period("2023-04"),
    parse_period("2023"),
    period_between("2023-03-29", "2023-07-02"),
    period_between("2023-06-15", "2023-06-15"),
]


@st.composite
def person_strategy(draw):
    kind = draw(st.sampled_from(["near_18", "near_18", "year_only", "unknown", "any"]))
    if kind == "near_18":
        # 18 on a day around the deliveries (29 March – 2 July 2023), give or take a day.
        birthday = draw(st.dates(D(2023, 3, 27), D(2023, 7, 4)))
        dob, year = birthday.replace(year=2005), None
    elif kind == "year_only":
        dob, year = None, draw(st.integers(2003, 2012))
    elif kind == "unknown":
        dob, year = None, None
    else:
        dob, year = draw(st.dates(D(1950, 1, 1), D(2012, 12, 31))), None
    return {
        "sex": draw(st.sampled_from(["F", "M", "U"])),
        "dob": dob,
        "birth_year": year,
        "migrant": draw(st.booleans()),
        "merge": draw(st.integers(0, 3)) == 0,
        "rows_move": draw(st.booleans()),
        "erase": draw(st.booleans()),
    }


class ErasureKeepsTheFigures(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.partner = OrganisationFactory(slug="erase-a")
        cls.other_partner = OrganisationFactory(slug="erase-b")
        donor = DonorFactory(slug="erase-donor")
        cls.project = ProjectFactory(
            code="ERASE", donor=donor, partners=[cls.partner, cls.other_partner]
        )
        cls.other_project = ProjectFactory(code="ERASE-OTHER", donor=donor)

    def load(self, people_spec, rows_spec):
        people = [
            Beneficiary(
                organisation=self.partner, beneficiary_ref=f"E{i}", first_name="Prénom",
                last_name=f"Nom{i}", sex=spec["sex"], date_of_birth=spec["dob"],
                birth_year=spec["birth_year"], is_migrant=spec["migrant"],
                registered_on=D(2023, 1, 1),
            )
            for i, spec in enumerate(people_spec)
        ]  # fmt: skip
        Beneficiary.objects.bulk_create(people)
        rows = [
            Assistance(
                beneficiary=people[r["beneficiary"] % len(people)],
                category=r["category"], subtype=r["subtype"], delivered_on=r["delivered_on"],
                status=r["status"], outcome=r["outcome"], country=r["country"],
                project=self.other_project if r["other_project"] else self.project,
                provider=self.other_partner if r["other_provider"] else self.partner,
                notes="Note sur la personne",
            )
            for r in rows_spec
        ]  # fmt: skip
        Assistance.objects.bulk_create(rows)
        # Some records are merged into the first one; their rows move over, or stay behind
        # (as rows written by another path would): either way they count as the first.
        for spec, record in zip(people_spec[1:], people[1:], strict=False):
            if spec["merge"]:
                if spec["rows_move"]:
                    Assistance.objects.filter(beneficiary=record).update(beneficiary=people[0])
                record.merged_into = people[0]
                record.save(update_fields=["merged_into"])
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
            for a in Assistance.objects.all()
        ]  # fmt: skip
        return people, plain_people, plain_rows

    def bilans(self):
        """The project's bilan JSON for every period, whole and cut to one partner, and for
        each population."""
        return {
            (str(period), organisation, population): bilan(
                self.project, period, organisation=organisation, population=population
            )
            for period in PERIODS
            for organisation in (None, self.partner)
            for population in ("all", "migrant")
        }

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(person_strategy(), min_size=1, max_size=4),
        st.lists(row_strategy(), max_size=16),
    )
    def test_erasure_leaves_every_figure_exact(self, people_spec, rows_spec):
        people, plain_people, plain_rows = self.load(people_spec, rows_spec)
        before = self.bilans()

        erased = [
            person
            for spec, person in zip(people_spec, people, strict=True)
            if spec["erase"] and person.merged_into_id is None
        ]
        for person in erased:
            beneficiary_pseudonymise(beneficiary=person, reason="retention", acting_user=SYSTEM)

        assert self.bilans() == before
        # And exact, not merely unchanged: the plain-Python reading of the data as it was.
        results = compute(Scope(project_id=self.project.pk), PERIOD, CATALOGUE)
        for indicator in CATALOGUE:
            got = results[indicator.code].as_json()
            got.pop("unit")
            assert got == reference(plain_people, plain_rows, indicator, self.project.pk)
        # The erased are erased: no name, no exact date of birth, no note.
        for person in erased:
            gone = Beneficiary.objects.filter(pk=person.pk) | person.merged_records.all()
            assert set(gone.values_list("first_name", "last_name", "date_of_birth")) == {
                ("", "", None)
            }
            rows = Assistance.objects.filter(beneficiary__in=gone)
            assert not rows.exclude(notes="").exists()
            assert not rows.filter(frozen_age__isnull=True).exists()
        assert facts_check().ok
        out = io.StringIO()
        call_command("reporting_facts", stdout=out)  # raises CommandError on drift
        assert "conforme" in out.getvalue()
