"""Case work in the morning digest (cases.digest, core.digest): each assignee is told, in
their language, how many follow-ups are overdue and due today, on open cases of the
organisation they still work for; nobody else is told anything."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from cases import services
from cases.choices import ClosureReason
from core.digest import digest_send
from core.models import Notification
from partners.services import membership_deactivate
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def case(partner_a, alice):
    person = BeneficiaryFactory(organisation=partner_a, registered_on=datetime.date(2026, 1, 5))
    return services.case_open(
        beneficiary=person, acting_user=alice, opened_on=datetime.date(2026, 2, 1)
    )


def _due(case, user, day, assignee=None):
    return services.followup_add(
        case=case, acting_user=user, due_on=day, action="Appeler", assignee=assignee
    )


def _overdue_line(count, language):
    with translation.override(language):
        return ngettext("%(count)d suivi en retard", "%(count)d suivis en retard", count) % {
            "count": count
        }


def test_the_assignee_hears_of_overdue_and_due_today(case, alice, bob, charlie):
    _due(case, alice, TODAY - datetime.timedelta(days=3))
    _due(case, alice, TODAY - datetime.timedelta(days=1))
    _due(case, alice, TODAY)
    _due(case, alice, TODAY + datetime.timedelta(days=2))  # not yet: not in the digest
    _due(case, alice, TODAY + datetime.timedelta(days=2), assignee=bob)
    digest_send(today=TODAY)
    message = Notification.objects.get(user=alice).message
    assert _overdue_line(2, "fr") in message
    assert "1 suivi prévu aujourd'hui" in message
    assert not Notification.objects.filter(user__in=[bob, charlie]).exists()


def test_the_digest_speaks_the_assignees_language(case, alice):
    alice.membership.language = "ar"
    alice.membership.save(update_fields=["language"])
    _due(case, alice, TODAY - datetime.timedelta(days=1))
    digest_send(today=TODAY)
    assert _overdue_line(1, "ar") in Notification.objects.get(user=alice).message


def test_closed_cases_and_former_members_are_left_out(case, partner_a, alice, bob, manager_a):
    _due(case, alice, TODAY - datetime.timedelta(days=1), assignee=bob)
    membership_deactivate(membership=bob.membership, acting_user=manager_a)
    other = services.case_open(
        beneficiary=BeneficiaryFactory(organisation=partner_a), acting_user=alice
    )
    _due(other, alice, other.opened_on)
    services.case_close(case=other, reason=ClosureReason.GOALS_MET, acting_user=alice)
    digest_send(today=max(TODAY, other.opened_on))
    assert not Notification.objects.exists()
