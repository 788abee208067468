"""A group activity's headcounts and the bilan classify the same people alike: both use
`beneficiaries.classify.sex_class` (DESIGN.md §3)."""

import datetime

from assistance.activities.services import activity_record
from beneficiaries.classify import SEX_CLASSES
from reporting.engine import Scope, compute
from reporting.periods import parse_period
from tests.beneficiaries.factories import BeneficiaryFactory


def test_a_group_activity_counts_its_participants_as_the_bilan_does(alice, partner_a, project):
    """Including a baby whose estimated birth date (1 July of the birth year) is after the
    session: an unknown age for both."""
    day = datetime.date(2023, 6, 1)
    people = [
        BeneficiaryFactory(
            organisation=partner_a, sex="F", date_of_birth=datetime.date(2010, 1, 1)
        ),
        BeneficiaryFactory(
            organisation=partner_a, sex="M", date_of_birth=datetime.date(1980, 1, 1)
        ),
        BeneficiaryFactory(
            organisation=partner_a, sex="U", date_of_birth=datetime.date(1990, 1, 1)
        ),
        BeneficiaryFactory(organisation=partner_a, sex="M", date_of_birth=None, birth_year=2023),
    ]
    activity = activity_record(
        category="awareness",
        subtype="health",
        title="Causerie",
        participants=people,
        held_on=day,
        project=project,
        acting_user=alice,
    )
    result = compute(Scope(project_id=project.pk), parse_period("2023-Q2"))["awareness_persons"]
    counts = {name: getattr(activity, name) for name in SEX_CLASSES}
    assert counts == {"women": 0, "girls": 1, "men": 1, "boys": 0, "unknown": 2}
    assert counts == {name: getattr(result, name) for name in SEX_CLASSES}
