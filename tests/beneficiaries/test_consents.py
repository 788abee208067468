"""The consent ledger (DESIGN.md section 8): its rules, who records and withdraws, the person's
consent fields mirrored into it, referrals that need a live `referral` consent, and sharing
that stops when a consent is withdrawn (the receiving partner, IOM)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from assistance.models import Referral
from assistance.referrals.services import referral_create, referral_respond
from beneficiaries.choices import ConsentPurpose
from beneficiaries.consents.services import consent_record, consent_withdraw, live_consent
from beneficiaries.models import Beneficiary, Consent
from beneficiaries.services import beneficiary_merge, beneficiary_register, beneficiary_update
from core import clock
from core.models import AuditEntry
from reporting.engine import bilan
from reporting.periods import Period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory

DAY = datetime.date(2024, 3, 1)
SERVICES, REFERRAL = ConsentPurpose.SERVICES, ConsentPurpose.REFERRAL
IOM_REPORTING = ConsentPurpose.IOM_REPORTING


@pytest.fixture
def person(alice):
    return beneficiary_register(
        acting_user=alice,
        beneficiary_ref="A-CONSENT-1",
        first_name="Mariama",
        last_name="Sow",
        sex="F",
        registered_on=DAY,
        consent=True,
        consent_on=DAY,
    )


def visible(user, person) -> bool:
    return Beneficiary.objects.visible_to(user).filter(pk=person.pk).exists()


def refer(person, to, user, *, consent=True, **kwargs):
    return referral_create(
        beneficiary=person,
        category="legal",
        consent=consent,
        to_organisation=to,
        acting_user=user,
        referred_on=kwargs.pop("referred_on", DAY),
        **kwargs,
    )


# --- The ledger's rules ----------------------------------------------------------------------


class TestRecord:
    def test_a_consent_is_recorded_with_who_when_and_for_whom_and_audited(
        self, person, alice, partner_b, partner_a
    ):
        consent = consent_record(
            beneficiary=person,
            purpose=REFERRAL,
            recipient=partner_b,
            given_on=DAY,
            acting_user=alice,
        )
        assert (consent.purpose, consent.recipient, consent.given_on) == (REFERRAL, partner_b, DAY)
        assert consent.recorded_by == alice and consent.organisation == partner_a
        assert consent.is_live and consent.recorded_at is not None
        entry = AuditEntry.objects.get(model="beneficiaries.consent", object_id=str(consent.pk))
        assert entry.action == AuditEntry.Action.CREATE and entry.actor == alice

    def test_a_referral_consent_names_an_organisation_and_only_it_does(
        self, person, alice, partner_b
    ):
        with pytest.raises(ValidationError) as missing:
            consent_record(beneficiary=person, purpose=REFERRAL, given_on=DAY, acting_user=alice)
        assert "recipient" in missing.value.message_dict
        with pytest.raises(ValidationError) as extra:
            consent_record(
                beneficiary=person,
                purpose=ConsentPurpose.PHOTO,
                recipient=partner_b,
                given_on=DAY,
                acting_user=alice,
            )
        assert "recipient" in extra.value.message_dict

    def test_the_persons_own_organisation_is_no_recipient(self, person, alice, partner_a):
        with pytest.raises(ValidationError) as error:
            consent_record(
                beneficiary=person,
                purpose=REFERRAL,
                recipient=partner_a,
                given_on=DAY,
                acting_user=alice,
            )
        assert "recipient" in error.value.message_dict

    def test_a_donor_is_no_recipient(self, person, alice, donor):
        with pytest.raises(ValidationError) as error:
            consent_record(
                beneficiary=person,
                purpose=REFERRAL,
                recipient=donor,
                given_on=DAY,
                acting_user=alice,
            )
        assert "recipient" in error.value.message_dict

    def test_a_consent_in_the_future_is_refused(self, person, alice):
        tomorrow = clock.today() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            consent_record(
                beneficiary=person, purpose=IOM_REPORTING, given_on=tomorrow, acting_user=alice
            )
        assert "given_on" in error.value.message_dict
        assert not person.consents.filter(purpose=IOM_REPORTING).exists()

    def test_a_second_live_consent_for_the_same_purpose_is_refused_not_duplicated(
        self, person, alice, partner_b
    ):
        """Choice: a clear error, not a silent no-op; a consent is recorded once."""
        consent_record(
            beneficiary=person,
            purpose=REFERRAL,
            recipient=partner_b,
            given_on=DAY,
            acting_user=alice,
        )
        with pytest.raises(ValidationError) as error:
            consent_record(
                beneficiary=person,
                purpose=REFERRAL,
                recipient=partner_b,
                given_on=DAY,
                acting_user=alice,
            )
        assert "déjà un consentement en cours" in str(error.value)
        assert person.consents.filter(purpose=REFERRAL).count() == 1
        # Another recipient is another consent.
        other = OrganisationFactory(slug="partner-c")
        consent_record(
            beneficiary=person, purpose=REFERRAL, recipient=other, given_on=DAY, acting_user=alice
        )
        assert person.consents.filter(purpose=REFERRAL).count() == 2

    def test_after_a_withdrawal_a_new_consent_is_a_new_entry(self, person, alice):
        first = consent_record(
            beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=alice
        )
        consent_withdraw(consent=first, on=DAY, acting_user=alice)
        second = consent_record(
            beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=alice
        )
        first.refresh_from_db()
        assert not first.is_live and second.is_live and first.pk != second.pk

    def test_the_database_keeps_one_live_consent_per_purpose_and_recipient(self, person, alice):
        with transaction.atomic(), pytest.raises(IntegrityError):
            Consent.objects.create(
                beneficiary=person,
                purpose=SERVICES,
                given_on=DAY,
                organisation_id=person.organisation_id,
            )

    def test_the_database_refuses_a_referral_consent_without_recipient(self, person):
        with transaction.atomic(), pytest.raises(IntegrityError):
            Consent.objects.create(
                beneficiary=person,
                purpose=REFERRAL,
                given_on=DAY,
                organisation_id=person.organisation_id,
            )

    def test_the_database_refuses_a_withdrawal_before_the_consent(self, person):
        consent = person.consents.get(purpose=SERVICES)
        with transaction.atomic(), pytest.raises(IntegrityError):
            Consent.objects.filter(pk=consent.pk).update(withdrawn_on=DAY - datetime.timedelta(1))


class TestWithdraw:
    def test_a_withdrawal_is_dated_explained_and_audited(self, person, alice):
        consent = consent_record(
            beneficiary=person, purpose=ConsentPurpose.PHOTO, given_on=DAY, acting_user=alice
        )
        withdrawn = consent_withdraw(
            consent=consent, on=DAY, reason="Ne veut plus être photographiée", acting_user=alice
        )
        assert not withdrawn.is_live
        assert (withdrawn.withdrawn_on, withdrawn.withdrawn_by) == (DAY, alice)
        assert withdrawn.withdrawal_reason == "Ne veut plus être photographiée"
        entry = AuditEntry.objects.filter(
            model="beneficiaries.consent", object_id=str(consent.pk), action="update"
        ).get()
        assert entry.changes["withdrawn_on"] == [None, DAY.isoformat()]

    def test_the_reason_is_cleaned_of_control_and_bidi_characters(self, person, alice):
        consent = person.consents.get(purpose=SERVICES)
        withdrawn = consent_withdraw(
            consent=consent, on=DAY, reason="\u202eNe veut plus\x1b ", acting_user=alice
        )
        assert withdrawn.withdrawal_reason == "Ne veut plus"

    def test_a_withdrawal_before_the_consent_is_refused(self, person, alice):
        consent = person.consents.get(purpose=SERVICES)
        with pytest.raises(ValidationError) as error:
            consent_withdraw(consent=consent, on=DAY - datetime.timedelta(1), acting_user=alice)
        assert "withdrawn_on" in error.value.message_dict
        consent.refresh_from_db()
        assert consent.is_live

    def test_a_withdrawal_in_the_future_is_refused(self, person, alice):
        consent = person.consents.get(purpose=SERVICES)
        with pytest.raises(ValidationError) as error:
            consent_withdraw(
                consent=consent, on=clock.today() + datetime.timedelta(1), acting_user=alice
            )
        assert "withdrawn_on" in error.value.message_dict

    def test_a_consent_is_withdrawn_once(self, person, alice):
        consent = person.consents.get(purpose=SERVICES)
        consent_withdraw(consent=consent, on=DAY, acting_user=alice)
        with pytest.raises(ValidationError, match="déjà retiré"):
            consent_withdraw(consent=consent, on=DAY, acting_user=alice)


class TestWhoMayRecordAndWithdraw:
    """Those who may edit the person: their organisation (alice, bob) and IOM."""

    @pytest.mark.parametrize("user", ["alice", "bob", "manager_a", "officer"])
    def test_the_persons_organisation_and_iom_may(self, person, user, request):
        actor = request.getfixturevalue(user)
        consent = consent_record(
            beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=actor
        )
        consent_withdraw(consent=consent, on=DAY, acting_user=actor)
        consent.refresh_from_db()
        assert not consent.is_live

    @pytest.mark.parametrize("user", ["charlie", "donor_user"])
    def test_another_partner_and_a_donor_may_not(self, person, user, request):
        outsider = request.getfixturevalue(user)
        with pytest.raises(PermissionDenied):
            consent_record(
                beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=outsider
            )
        with pytest.raises(PermissionDenied):
            consent_withdraw(
                consent=person.consents.get(purpose=SERVICES), on=DAY, acting_user=outsider
            )
        assert person.consents.live().filter(purpose=SERVICES).exists()
        assert not person.consents.filter(purpose=IOM_REPORTING).exists()

    def test_a_partner_the_person_was_shared_with_reads_but_does_not_record(
        self, person, alice, charlie, partner_b
    ):
        referral_respond(referral=refer(person, partner_b, alice), accept=True, acting_user=charlie)
        assert visible(charlie, person)
        with pytest.raises(PermissionDenied):
            consent_record(
                beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=charlie
            )
        with pytest.raises(PermissionDenied):
            consent_withdraw(
                consent=person.consents.get(purpose=REFERRAL), on=DAY, acting_user=charlie
            )

    def test_a_partner_reads_the_consents_about_itself_not_about_the_others(
        self, person, alice, charlie, partner_b
    ):
        partner_c = OrganisationFactory(slug="partner-c")
        referral_respond(referral=refer(person, partner_b, alice), accept=True, acting_user=charlie)
        refer(person, partner_c, alice)
        seen = Consent.objects.visible_to(charlie).filter(beneficiary=person)
        assert {(c.purpose, c.recipient_id) for c in seen} == {
            (SERVICES, None),
            (REFERRAL, partner_b.pk),
        }
        assert Consent.objects.visible_to(alice).filter(beneficiary=person).count() == 3


# --- The person's consent fields, mirrored --------------------------------------------------


class TestPersonFieldsMirror:
    def test_registering_with_consent_records_a_services_consent(self, person, alice):
        consent = live_consent(person, SERVICES)
        assert consent is not None and consent.given_on == DAY and consent.recorded_by == alice

    def test_registering_without_consent_records_none(self, alice):
        person = beneficiary_register(acting_user=alice, beneficiary_ref="NO-C", sex="F")
        assert not person.consents.exists()

    def test_clearing_the_consent_withdraws_it_and_setting_it_again_records_a_new_one(
        self, person, alice
    ):
        person = beneficiary_update(
            beneficiary=person, acting_user=alice, consent=False, consent_on=None
        )
        assert live_consent(person, SERVICES) is None
        withdrawn = person.consents.get(purpose=SERVICES)
        assert withdrawn.withdrawn_on == clock.today() and withdrawn.withdrawn_by == alice
        beneficiary_update(beneficiary=person, acting_user=alice, consent=True, consent_on=DAY)
        assert live_consent(person, SERVICES).given_on == DAY
        assert person.consents.filter(purpose=SERVICES).count() == 2

    def test_an_edit_that_keeps_the_consent_adds_nothing(self, person, alice):
        beneficiary_update(beneficiary=person, acting_user=alice, first_name="Maryam")
        assert person.consents.count() == 1

    def test_withdrawing_the_services_consent_clears_the_persons_fields(self, person, alice):
        consent_withdraw(consent=person.consents.get(purpose=SERVICES), on=DAY, acting_user=alice)
        person.refresh_from_db()
        assert (person.consent, person.consent_on) == (False, None)
        assert person.version == 2

    def test_recording_a_services_consent_sets_the_persons_fields(self, alice):
        person = beneficiary_register(acting_user=alice, beneficiary_ref="LATER", sex="F")
        consent_record(beneficiary=person, purpose=SERVICES, given_on=DAY, acting_user=alice)
        person.refresh_from_db()
        assert (person.consent, person.consent_on) == (True, DAY)

    def test_a_consent_date_in_the_future_is_refused_on_the_person(self, alice):
        with pytest.raises(ValidationError) as error:
            beneficiary_register(
                acting_user=alice,
                beneficiary_ref="FUTURE",
                consent=True,
                consent_on=clock.today() + datetime.timedelta(1),
            )
        assert "consent_on" in error.value.message_dict

    def test_a_merge_moves_the_consents_to_the_record_kept(
        self, person, alice, manager_a, partner_b
    ):
        twin = beneficiary_register(acting_user=alice, beneficiary_ref="TWIN", consent=True)
        consent_record(
            beneficiary=twin, purpose=REFERRAL, recipient=partner_b, given_on=DAY, acting_user=alice
        )
        beneficiary_merge(duplicate=twin, keep=person, acting_user=manager_a)
        # The referral consent follows; the twin's services consent stays (the kept record
        # has its own live one).
        assert live_consent(person, REFERRAL, partner_b) is not None
        assert person.consents.filter(purpose=SERVICES).count() == 1


# --- Referrals need a live referral consent --------------------------------------------------


class TestReferralNeedsConsent:
    def test_the_box_ticked_records_the_consent_for_the_receiving_partner(
        self, person, alice, partner_b
    ):
        referral = refer(person, partner_b, alice)
        consent = live_consent(person, REFERRAL, partner_b)
        assert referral.consent and consent is not None
        assert (consent.given_on, consent.recorded_by) == (DAY, alice)

    def test_without_a_live_consent_and_the_box_unticked_the_referral_is_refused(
        self, person, alice, partner_b
    ):
        with pytest.raises(ValidationError) as error:
            refer(person, partner_b, alice, consent=False)
        assert "consent" in error.value.message_dict
        assert not Referral.objects.exists() and live_consent(person, REFERRAL) is None

    def test_a_live_consent_already_recorded_suffices(self, person, alice, partner_b):
        consent_record(
            beneficiary=person,
            purpose=REFERRAL,
            recipient=partner_b,
            given_on=DAY,
            acting_user=alice,
        )
        referral = refer(person, partner_b, alice, consent=False)
        assert referral.consent
        assert person.consents.filter(purpose=REFERRAL).count() == 1

    def test_a_failed_referral_leaves_no_consent_behind(self, person, alice, partner_b):
        with pytest.raises(ValidationError):
            refer(person, partner_b, alice, to_structure="Hôpital")  # both: refused
        assert live_consent(person, REFERRAL, partner_b) is None

    def test_after_a_withdrawal_new_referrals_to_that_partner_are_refused(
        self, person, alice, partner_b
    ):
        refer(person, partner_b, alice)
        consent_withdraw(
            consent=live_consent(person, REFERRAL, partner_b), on=DAY, acting_user=alice
        )
        with pytest.raises(ValidationError) as error:
            refer(person, partner_b, alice, consent=True)
        assert "a retiré le 01/03/2024" in " ".join(error.value.message_dict["consent"])
        assert Referral.objects.count() == 1
        # Another partner is another consent.
        refer(person, OrganisationFactory(slug="partner-c"), alice)

    def test_a_new_consent_recorded_on_the_file_allows_referring_again(
        self, person, alice, partner_b
    ):
        refer(person, partner_b, alice)
        consent_withdraw(
            consent=live_consent(person, REFERRAL, partner_b), on=DAY, acting_user=alice
        )
        consent_record(
            beneficiary=person,
            purpose=REFERRAL,
            recipient=partner_b,
            given_on=DAY,
            acting_user=alice,
        )
        assert refer(person, partner_b, alice).pk

    def test_a_pending_referral_cannot_be_accepted_after_the_withdrawal_but_can_be_declined(
        self, person, alice, charlie, partner_b
    ):
        referral = refer(person, partner_b, alice)
        consent_withdraw(
            consent=live_consent(person, REFERRAL, partner_b), on=DAY, acting_user=alice
        )
        with pytest.raises(ValidationError, match="ne peut plus être accepté"):
            referral_respond(referral=referral, accept=True, acting_user=charlie)
        assert not visible(charlie, person)
        declined = referral_respond(
            referral=referral, accept=False, acting_user=charlie, decline_reason="no_capacity"
        )
        assert declined.status == "declined"
        assert not visible(charlie, person)

    def test_a_partner_referring_onward_needs_the_consent_recorded_by_the_owner(
        self, person, alice, charlie, partner_b
    ):
        """Only the person's organisation (or IOM) writes their ledger: a partner the person
        was shared with refers them on once that consent is on the file."""
        partner_c = OrganisationFactory(slug="partner-c")
        referral_respond(referral=refer(person, partner_b, alice), accept=True, acting_user=charlie)
        with pytest.raises(PermissionDenied):
            refer(person, partner_c, charlie)
        assert live_consent(person, REFERRAL, partner_c) is None
        consent_record(
            beneficiary=person,
            purpose=REFERRAL,
            recipient=partner_c,
            given_on=DAY,
            acting_user=alice,
        )
        assert refer(person, partner_c, charlie).from_organisation == partner_b

    def test_a_referral_to_a_public_structure_keeps_its_box(self, person, alice):
        with pytest.raises(ValidationError) as error:
            referral_create(
                beneficiary=person,
                category="legal",
                consent=False,
                to_structure="Hôpital Al Farabi",
                acting_user=alice,
            )
        assert "consent" in error.value.message_dict
        referral_create(
            beneficiary=person,
            category="legal",
            consent=True,
            to_structure="Hôpital Al Farabi",
            acting_user=alice,
        )
        assert not person.consents.filter(purpose=REFERRAL).exists()


# --- Sharing stops when the consent is withdrawn --------------------------------------------


class TestSharingStops:
    def test_the_receiving_partner_stops_seeing_the_person(
        self, person, alice, bob, charlie, partner_b
    ):
        referral_respond(referral=refer(person, partner_b, alice), accept=True, acting_user=charlie)
        assert visible(charlie, person)
        consent_withdraw(consent=live_consent(person, REFERRAL, partner_b), on=DAY, acting_user=bob)
        assert not visible(charlie, person)
        assert visible(alice, person) and visible(bob, person)
        # The referral itself stays in both inboxes (its answer, its outcome), not the person.
        assert Referral.objects.visible_to(charlie).count() == 1

    def test_a_new_consent_to_that_partner_restores_the_access_it_was_granted(
        self, person, alice, charlie, partner_b
    ):
        referral_respond(referral=refer(person, partner_b, alice), accept=True, acting_user=charlie)
        consent_withdraw(
            consent=live_consent(person, REFERRAL, partner_b), on=DAY, acting_user=alice
        )
        consent_record(
            beneficiary=person,
            purpose=REFERRAL,
            recipient=partner_b,
            given_on=DAY,
            acting_user=alice,
        )
        assert visible(charlie, person)

    def test_withdrawing_sharing_with_another_partner_changes_nothing_for_this_one(
        self, person, alice, charlie, partner_b
    ):
        partner_c = OrganisationFactory(slug="partner-c")
        referral_respond(referral=refer(person, partner_b, alice), accept=True, acting_user=charlie)
        refer(person, partner_c, alice)
        consent_withdraw(
            consent=live_consent(person, REFERRAL, partner_c), on=DAY, acting_user=alice
        )
        assert visible(charlie, person)

    def test_iom_stops_seeing_a_person_who_withdrew_sharing_with_iom(self, person, alice, officer):
        assert visible(officer, person)
        consent = consent_record(
            beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=alice
        )
        assert visible(officer, person)
        consent_withdraw(consent=consent, on=DAY, acting_user=alice)
        assert not visible(officer, person)
        assert visible(alice, person)
        consent_record(beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=alice)
        assert visible(officer, person)

    def test_people_without_any_iom_entry_stay_visible_to_iom(self, officer, partner_a):
        """Deliberate: the ledger starts empty for IOM sharing; only a withdrawal hides."""
        legacy = BeneficiaryFactory(organisation=partner_a)
        assert not legacy.consents.exists()
        assert visible(officer, legacy)

    def test_iom_keeps_seeing_its_own_people(self, officer, iom):
        own = beneficiary_register(acting_user=officer, beneficiary_ref="IOM-1", organisation=iom)
        consent = consent_record(
            beneficiary=own, purpose=IOM_REPORTING, given_on=DAY, acting_user=officer
        )
        consent_withdraw(consent=consent, on=DAY, acting_user=officer)
        assert visible(officer, own)

    def test_the_figures_still_count_a_person_hidden_from_iom(self, person, alice, project):
        AssistanceFactory(
            beneficiary=person,
            project=project,
            provider=person.organisation,
            delivered_on=DAY,
        )
        period = Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
        before = bilan(project, period)
        consent = consent_record(
            beneficiary=person, purpose=IOM_REPORTING, given_on=DAY, acting_user=alice
        )
        consent_withdraw(consent=consent, on=DAY, acting_user=alice)
        assert bilan(project, period) == before
        assert any(ind["total"] for ind in before["indicators"].values())


# --- The data migration ----------------------------------------------------------------------


def test_the_migration_starts_the_ledger_from_the_existing_flags(partner_a, partner_b, alice):
    migration = importlib.import_module("beneficiaries.migrations.0005_consent_ledger_from_flags")
    with_consent = BeneficiaryFactory(organisation=partner_a, consent=True, consent_on=DAY)
    undated = BeneficiaryFactory(organisation=partner_a, consent=True, consent_on=None)
    without = BeneficiaryFactory(organisation=partner_a, consent=False)
    for day in (DAY, DAY + datetime.timedelta(5)):
        Referral.objects.create(
            beneficiary=with_consent,
            from_organisation=partner_a,
            to_organisation=partner_b,
            category="legal",
            consent=True,
            referred_on=day,
            created_by=alice,
        )
    migration.forwards(apps, None)
    assert live_consent(with_consent, SERVICES).given_on == DAY
    assert live_consent(undated, SERVICES).given_on == undated.created_at.date()
    assert not without.consents.exists()
    shared = with_consent.consents.get(purpose=REFERRAL)
    assert (shared.recipient, shared.given_on, shared.recorded_by) == (partner_b, DAY, alice)
    assert shared.organisation == partner_a
