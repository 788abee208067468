"""A referral's state machine, as the services enforce it for pages and API alike: a partner
answers (a decline carries a reason the sender reads), and the outcome ("Service reçu") is
recorded only once the referral is accepted, by the partner that accepted it; for a referral
to an outside structure, which no one answers, by the sender."""

import datetime
import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Referral
from assistance.referrals.services import referral_create, referral_record_outcome, referral_respond
from core.models import AuditEntry
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 6, 1)


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-1")


@pytest.fixture
def referral(alice, person, partner_b) -> Referral:
    return referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
        referred_on=DAY,
    )


class TestOutcome:
    @pytest.mark.parametrize("who", ["alice", "charlie", "officer"])
    def test_refused_while_the_partner_has_not_answered(self, request, referral, who):
        user = request.getfixturevalue(who)
        with pytest.raises((ValidationError, PermissionDenied)):
            referral_record_outcome(
                referral=referral, outcome="service_received", outcome_on=DAY, acting_user=user
            )
        referral.refresh_from_db()
        assert (referral.status, referral.outcome, referral.outcome_on) == (
            "pending",
            "pending",
            None,
        )

    def test_the_state_is_refused_even_to_iom_with_a_clear_message(self, referral, officer):
        with pytest.raises(ValidationError) as exc:
            referral_record_outcome(referral=referral, outcome="no_show", acting_user=officer)
        assert "une fois le référencement accepté" in exc.value.message_dict["outcome"][0]

    def test_refused_after_a_decline(self, referral, charlie):
        referral_respond(
            referral=referral, accept=False, acting_user=charlie, decline_reason="no_capacity"
        )
        with pytest.raises(ValidationError):
            referral_record_outcome(
                referral=referral, outcome="service_received", acting_user=charlie
            )
        referral.refresh_from_db()
        assert referral.outcome == "declined"

    def test_recorded_by_the_partner_that_accepted(self, referral, charlie):
        referral_respond(referral=referral, accept=True, acting_user=charlie)
        done = referral_record_outcome(
            referral=referral, outcome="service_received", outcome_on=DAY, acting_user=charlie
        )
        assert (done.outcome, done.outcome_on) == ("service_received", DAY)

    def test_not_by_the_sender_of_a_partner_referral(self, referral, alice, charlie):
        referral_respond(referral=referral, accept=True, acting_user=charlie)
        with pytest.raises(PermissionDenied):
            referral_record_outcome(referral=referral, outcome="no_show", acting_user=alice)
        referral.refresh_from_db()
        assert referral.outcome == "pending"

    def test_the_sender_records_it_for_an_outside_structure(self, alice, bob, person):
        public = referral_create(
            beneficiary=person,
            category="medical",
            consent=True,
            to_structure="CHR Al Farabi",
            acting_user=alice,
            referred_on=DAY,
        )
        done = referral_record_outcome(
            referral=public, outcome="service_received", outcome_on=DAY, acting_user=bob
        )
        assert done.outcome == "service_received"

    def test_the_model_refuses_an_outcome_before_acceptance(self, referral):
        referral.outcome = "service_received"
        with pytest.raises(ValidationError) as exc:
            referral.full_clean()
        assert "outcome" in exc.value.message_dict


class TestDecline:
    def test_a_reason_is_required(self, referral, charlie):
        with pytest.raises(ValidationError) as exc:
            referral_respond(referral=referral, accept=False, acting_user=charlie)
        assert "decline_reason" in exc.value.message_dict
        referral.refresh_from_db()
        assert referral.status == "pending"

    def test_other_needs_a_note(self, referral, charlie):
        with pytest.raises(ValidationError) as exc:
            referral_respond(
                referral=referral,
                accept=False,
                acting_user=charlie,
                decline_reason="other",
                decline_note="   ",
            )
        assert "decline_note" in exc.value.message_dict
        referral.refresh_from_db()
        assert referral.status == "pending"

    def test_an_unknown_reason_is_refused(self, referral, charlie):
        with pytest.raises(ValidationError):
            referral_respond(
                referral=referral, accept=False, acting_user=charlie, decline_reason="bored"
            )

    def test_the_reason_is_kept_for_the_sender_and_audited(self, referral, alice, charlie):
        referral_respond(
            referral=referral,
            accept=False,
            acting_user=charlie,
            decline_reason="other",
            decline_note="Notre centre ferme pour travaux en juillet.",
        )
        seen_by_sender = Referral.objects.visible_to(alice).get(pk=referral.pk)
        assert seen_by_sender.status == "declined"
        assert seen_by_sender.get_decline_reason_display() == "Autre"
        assert seen_by_sender.decline_note == "Notre centre ferme pour travaux en juillet."
        entry = AuditEntry.objects.filter(
            model="assistance.referral", object_id=str(referral.pk), action="update"
        ).get()
        assert entry.changes["decline_reason"] == ["", "other"]
        assert entry.changes["status"] == ["pending", "declined"]

    def test_accepting_carries_no_reason(self, referral, charlie):
        accepted = referral_respond(
            referral=referral, accept=True, acting_user=charlie, decline_reason="no_capacity"
        )
        assert accepted.status == "accepted"
        assert accepted.decline_reason == ""


class TestReferralsStoredWithBothDestinations:
    """The API used to accept a partner and a structure together; the migration makes such a
    referral a partner's one again, so the partner can answer it and record its outcome."""

    @staticmethod
    def migrate():
        from django.apps import apps

        module = importlib.import_module("assistance.migrations.0007_referral_one_destination")
        return module.clear_structure_of_partner_referrals(apps, None)

    @pytest.fixture
    def to_both(self, referral, alice, person):
        Referral.objects.filter(pk=referral.pk).update(to_structure="CHU Oujda")
        public = referral_create(
            beneficiary=person,
            category="medical",
            consent=True,
            to_structure="Hôpital Al Farabi",
            acting_user=alice,
            referred_on=DAY,
        )
        return referral, public

    def test_the_structure_is_cleared_and_kept_in_the_audit_trail(self, to_both):
        referral, public = to_both
        assert self.migrate() == [referral.pk]
        referral.refresh_from_db()
        assert (referral.to_organisation_id is not None, referral.to_structure) == (True, "")
        entry = AuditEntry.objects.get(
            model="assistance.referral", object_id=str(referral.pk), actor=None
        )
        assert entry.changes == {"to_structure": ["CHU Oujda", ""]}
        # A referral to a structure alone is left as it is.
        assert Referral.objects.get(pk=public.pk).to_structure == "Hôpital Al Farabi"
        assert self.migrate() == []

    def test_the_partner_can_then_accept_and_record_the_outcome(self, to_both, charlie):
        referral, _public = to_both
        with pytest.raises(ValidationError):  # as it was: no one could answer it
            referral_respond(referral=referral, accept=True, acting_user=charlie)
        self.migrate()
        referral_respond(referral=referral, accept=True, acting_user=charlie)
        done = referral_record_outcome(
            referral=referral, outcome="service_received", acting_user=charlie
        )
        assert (done.status, done.outcome) == ("accepted", "service_received")

    def test_or_decline_it(self, to_both, charlie):
        referral, _public = to_both
        self.migrate()
        declined = referral_respond(
            referral=referral, accept=False, decline_reason="no_capacity", acting_user=charlie
        )
        assert declined.status == "declined"
