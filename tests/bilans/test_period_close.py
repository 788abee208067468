"""Period close (issue 6): assistances of a closed period are frozen until an audited reopen."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Assistance
from assistance.services import (
    assistance_cancel,
    assistance_record,
    assistance_record_many,
    assistance_update,
)
from core.models import AuditEntry
from partners.models import ClosedPeriod
from partners.services import period_close, period_reopen
from reporting.periods import parse_period
from tests.beneficiaries.factories import BeneficiaryFactory

Q2 = parse_period("2023-Q2")
INSIDE = datetime.date(2023, 5, 10)
OUTSIDE = datetime.date(2023, 7, 1)


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-1")


def record(user, person, project, day):
    return assistance_record(
        beneficiary=person,
        category="medical",
        subtype="consultation",
        delivered_on=day,
        project=project,
        acting_user=user,
    )


@pytest.fixture
def closed(officer, project):
    return period_close(project=project, period=Q2, acting_user=officer)


def test_only_iom_officers_close_and_reopen(alice, manager_a, donor_user, project, officer):
    for user in (alice, manager_a, donor_user):
        with pytest.raises(PermissionDenied):
            period_close(project=project, period=Q2, acting_user=user)
    closed = period_close(project=project, period=Q2, acting_user=officer)
    with pytest.raises(PermissionDenied):
        period_reopen(closed_period=closed, reason="erreur", acting_user=alice)


def test_recording_in_a_closed_period_is_refused_with_a_clear_message(
    alice, person, project, closed
):
    with pytest.raises(ValidationError) as error:
        record(alice, person, project, INSIDE)
    assert "clôturée" in str(error.value)
    assert not Assistance.objects.exists()
    # Outside the closed period, or for another project, recording goes on.
    assert record(alice, person, project, OUTSIDE).pk
    assert record(alice, person, None, INSIDE).pk


def test_bulk_recording_refuses_the_whole_batch(alice, person, project, partner_a, closed):
    rows = [
        Assistance(
            beneficiary_id=person.pk,
            category="medical",
            subtype="consultation",
            delivered_on=day,
            provider_id=partner_a.pk,
            project=project,
        )
        for day in (OUTSIDE, INSIDE)
    ]
    with pytest.raises(ValidationError, match="clôturée"):
        assistance_record_many(acting_user=alice, assistances=rows)
    assert not Assistance.objects.exists()


def test_correcting_or_cancelling_a_closed_row_is_refused_until_reopened(
    alice, officer, person, project
):
    row = record(alice, person, project, INSIDE)
    outside = record(alice, person, project, OUTSIDE)
    closed = period_close(project=project, period=Q2, acting_user=officer)
    with pytest.raises(ValidationError):
        assistance_update(assistance=row, acting_user=alice, quantity=2)
    with pytest.raises(ValidationError):
        assistance_cancel(assistance=row, acting_user=alice, reason="doublon")
    # Moving an open row into the closed period is refused too.
    with pytest.raises(ValidationError):
        assistance_update(assistance=outside, acting_user=alice, delivered_on=INSIDE)
    row.refresh_from_db()
    assert (row.quantity, row.status) == (1, "delivered")

    with pytest.raises(ValidationError):
        period_reopen(closed_period=closed, reason="  ", acting_user=officer)
    period_reopen(closed_period=closed, reason="Correction du partenaire A", acting_user=officer)
    entry = AuditEntry.objects.get(
        model="partners.closedperiod", object_id=str(closed.pk), action="update"
    )
    assert entry.actor == officer
    assert entry.changes["reason"] == "Correction du partenaire A"
    assert assistance_update(assistance=row, acting_user=alice, quantity=2).quantity == 2
    assert assistance_cancel(assistance=row, acting_user=alice).status == "cancelled"


def test_overlapping_closes_are_refused(officer, project, closed):
    with pytest.raises(ValidationError, match="chevauche"):
        period_close(project=project, period=parse_period("2023-06"), acting_user=officer)
    assert ClosedPeriod.objects.count() == 1
    assert AuditEntry.objects.filter(model="partners.closedperiod", action="create").count() == 1


def test_a_referral_outcome_cannot_change_a_closed_assistance(alice, officer, person, project):
    from assistance.referrals.services import referral_create, referral_record_outcome

    referral = referral_create(
        beneficiary=person,
        category="medical",
        consent=True,
        to_structure="CHU Oujda",
        referred_on=INSIDE,
        project=project,
        acting_user=alice,
    )
    period_close(project=project, period=Q2, acting_user=officer)
    with pytest.raises(ValidationError, match="clôturée"):
        referral_record_outcome(referral=referral, outcome="service_received", acting_user=alice)
    referral.refresh_from_db()
    assert referral.assistance.outcome == "pending" and referral.outcome != "service_received"
