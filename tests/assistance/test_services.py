import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.activities.services import activity_record
from assistance.models import Assistance, ReturnCase
from assistance.referrals.services import referral_create, referral_record_outcome, referral_respond
from assistance.returns.services import (
    return_case_advance,
    return_case_open,
    return_case_reintegrate,
)
from assistance.services import (
    assistance_cancel,
    assistance_record,
    assistance_record_many,
    assistance_update,
)
from beneficiaries.models import Beneficiary
from core.exceptions import ConflictError
from core.models import AuditEntry
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import ProjectFactory

DAY = datetime.date(2023, 6, 1)


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-1",
        sex="F",
        date_of_birth=datetime.date(2008, 1, 1),
        nationality="GN",
    )


def record(user, person, **kwargs):
    fields = {"category": "medical", "subtype": "consultation", "delivered_on": DAY, **kwargs}
    return assistance_record(beneficiary=person, acting_user=user, **fields)


class TestRecord:
    def test_records_for_the_users_organisation_and_audits(self, alice, person, partner_a, project):
        row = record(alice, person, project=project)
        assert row.provider == partner_a
        assert row.status == "delivered"
        assert row.city == person.city
        assert AuditEntry.objects.filter(
            model="assistance.assistance", action="create", object_id=str(row.pk), actor=alice
        ).exists()

    def test_other_partner_cannot_record_on_a_person_it_cannot_see(self, charlie, person):
        with pytest.raises(PermissionDenied):
            record(charlie, person)
        assert not Assistance.objects.exists()

    def test_donor_cannot_record(self, donor_user, person):
        with pytest.raises(PermissionDenied):
            record(donor_user, person)

    def test_project_the_provider_does_not_implement(self, alice, person, donor):
        foreign = ProjectFactory(code="NOT-OURS", donor=donor)
        with pytest.raises(PermissionDenied):
            record(alice, person, project=foreign)

    def test_iom_may_record_on_any_project(self, officer, person, project):
        assert record(officer, person, project=project).provider.kind == "iom"

    def test_merged_record_refuses_new_assistances(self, alice, person, partner_a):
        keep = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-0")
        Beneficiary.objects.filter(pk=person.pk).update(merged_into=keep)
        with pytest.raises(ValidationError):
            record(alice, person)

    def test_record_many_validates_every_row_and_writes_nothing_on_error(
        self, alice, person, partner_a
    ):
        rows = [
            Assistance(
                beneficiary_id=person.pk,
                provider_id=partner_a.pk,
                category="food",
                subtype="meal",
                delivered_on=DAY,
            ),
            Assistance(
                beneficiary_id=person.pk,
                provider_id=partner_a.pk,
                category="food",
                subtype="consultation",
                delivered_on=DAY,
            ),
        ]
        with pytest.raises(ValidationError, match="Ligne 2"):
            assistance_record_many(acting_user=alice, assistances=rows)
        assert not Assistance.objects.exists()

    def test_record_many_refuses_people_out_of_scope(self, charlie, person, partner_b):
        rows = [
            Assistance(
                beneficiary_id=person.pk,
                provider_id=partner_b.pk,
                category="food",
                subtype="meal",
                delivered_on=DAY,
            )
        ]
        with pytest.raises(PermissionDenied):
            assistance_record_many(acting_user=charlie, assistances=rows)


class TestUpdateAndCancel:
    def test_update_with_current_version(self, alice, person):
        row = record(alice, person)
        updated = assistance_update(
            assistance=row, acting_user=alice, expected_version=1, notes="Suivi"
        )
        assert updated.version == 2
        assert AuditEntry.objects.get(action="update").changes == {"notes": ["", "Suivi"]}

    def test_stale_update_is_a_conflict(self, alice, bob, person):
        row = record(alice, person)
        assistance_update(assistance=row, acting_user=bob, expected_version=1, notes="B")
        with pytest.raises(ConflictError):
            assistance_update(assistance=row, acting_user=alice, expected_version=1, notes="A")
        row.refresh_from_db()
        assert row.notes == "B"

    def test_provider_cannot_be_changed(self, alice, person, partner_b):
        row = record(alice, person)
        with pytest.raises(TypeError):
            assistance_update(assistance=row, acting_user=alice, provider=partner_b)

    def test_cancel_keeps_the_row_and_audits_the_reason(self, alice, person):
        row = record(alice, person)
        assistance_cancel(assistance=row, acting_user=alice, reason="Saisie en double")
        row.refresh_from_db()
        assert row.status == "cancelled"
        entry = AuditEntry.objects.get(action="cancel")
        assert entry.changes["reason"] == "Saisie en double"

    def test_other_partner_cannot_cancel(self, alice, charlie, person):
        row = record(alice, person)
        with pytest.raises(PermissionDenied):
            assistance_cancel(assistance=row, acting_user=charlie)


class TestReferrals:
    def test_referral_to_a_partner_accept_and_outcome(self, alice, charlie, person, partner_b):
        referral = referral_create(
            beneficiary=person,
            category="legal",
            consent=True,
            to_organisation=partner_b,
            acting_user=alice,
            referred_on=DAY,
        )
        assert referral.status == "pending"
        referral = referral_respond(referral=referral, accept=True, acting_user=charlie)
        assert referral.status == "accepted"
        assert Beneficiary.objects.visible_to(charlie).filter(pk=person.pk).exists()
        # The receiving partner can now record its own assistance for the person.
        record(charlie, person, category="legal", subtype="legal_counsel")
        referral = referral_record_outcome(
            referral=referral, outcome="service_received", outcome_on=DAY, acting_user=charlie
        )
        assert referral.outcome == "service_received"

    def test_only_the_receiving_partner_responds(self, alice, person, partner_b):
        referral = referral_create(
            beneficiary=person,
            category="legal",
            consent=True,
            to_organisation=partner_b,
            acting_user=alice,
        )
        with pytest.raises(PermissionDenied):
            referral_respond(referral=referral, accept=True, acting_user=alice)

    def test_consent_is_required(self, alice, person, partner_b):
        with pytest.raises(ValidationError) as exc:
            referral_create(
                beneficiary=person,
                category="legal",
                consent=False,
                to_organisation=partner_b,
                acting_user=alice,
            )
        assert "consent" in exc.value.message_dict

    def test_a_destination_is_required(self, alice, person):
        with pytest.raises(ValidationError):
            referral_create(beneficiary=person, category="legal", consent=True, acting_user=alice)

    def test_public_health_referral_is_counted_through_its_assistance(self, alice, person):
        referral = referral_create(
            beneficiary=person,
            category="medical",
            consent=True,
            to_structure="CHR Al Farabi",
            acting_user=alice,
            referred_on=DAY,
        )
        assert referral.assistance.subtype == "referral_public_health"
        assert referral.assistance.outcome == "pending"
        referral_record_outcome(
            referral=referral, outcome="service_received", outcome_on=DAY, acting_user=alice
        )
        referral.assistance.refresh_from_db()
        assert referral.assistance.outcome == "service_received"

    def test_outside_partner_cannot_see_or_answer(self, alice, charlie, person, partner_a):
        referral = referral_create(
            beneficiary=person,
            category="medical",
            consent=True,
            to_structure="CHR",
            acting_user=alice,
        )
        with pytest.raises(PermissionDenied):
            referral_record_outcome(referral=referral, outcome="no_show", acting_user=charlie)


class TestReturnCases:
    def test_stages_record_the_avrr_assistances(self, officer, person):
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=officer, opened_on=DAY
        )
        case = return_case_advance(
            return_case=case,
            stage="returned",
            acting_user=officer,
            on=DAY + datetime.timedelta(days=20),
        )
        subtypes = list(person.assistances.order_by("id").values_list("subtype", flat=True))
        assert subtypes == ["counselling", "pre_departure", "medical_check", "return_from_morocco"]
        assert person.assistances.get(subtype="return_from_morocco").country == "GN"
        assert case.returned_on == DAY + datetime.timedelta(days=20)

    def test_return_to_morocco_records_the_host_country(self, officer, partner_a):
        national = BeneficiaryFactory(organisation=partner_a, nationality="MA", is_migrant=False)
        case = return_case_open(
            beneficiary=national,
            country="ly",
            direction="to_morocco",
            acting_user=officer,
            opened_on=DAY,
        )
        return_case_advance(return_case=case, stage="returned", acting_user=officer, on=DAY)
        assert national.assistances.get(subtype="return_to_morocco").country == "LY"

    def test_stages_only_move_forward(self, officer, person):
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=officer, opened_on=DAY
        )
        return_case_advance(return_case=case, stage="medical_check", acting_user=officer, on=DAY)
        with pytest.raises(ValidationError):
            return_case_advance(
                return_case=case, stage="pre_departure", acting_user=officer, on=DAY
            )

    def test_cancelled_case_is_closed(self, officer, person):
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=officer, opened_on=DAY
        )
        case = return_case_advance(return_case=case, stage="cancelled", acting_user=officer, on=DAY)
        assert case.closed_on == DAY
        with pytest.raises(ValidationError):
            return_case_advance(return_case=case, stage="returned", acting_user=officer, on=DAY)

    def test_other_partner_cannot_touch_the_case(self, officer, charlie, person):
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=officer, opened_on=DAY
        )
        with pytest.raises(PermissionDenied):
            return_case_advance(return_case=case, stage="returned", acting_user=charlie)
        assert ReturnCase.objects.get().stage == "counselling"

    @pytest.mark.parametrize("stage", ["cancelled", "pre_departure"])
    def test_the_persons_organisation_reads_but_does_not_move_iom_s_case(
        self, officer, alice, person, stage
    ):
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=officer, opened_on=DAY
        )
        assert ReturnCase.objects.visible_to(alice).filter(pk=case.pk).exists()
        with pytest.raises(PermissionDenied):
            return_case_advance(return_case=case, stage=stage, acting_user=alice, on=DAY)
        case.refresh_from_db()
        assert (case.stage, case.closed_on, case.version) == ("counselling", None, 1)
        assert person.assistances.count() == 1  # the counselling row only

    def test_nor_closes_it_once_returned_nor_records_in_it(self, officer, alice, person):
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=officer, opened_on=DAY
        )
        return_case_advance(return_case=case, stage="returned", acting_user=officer, on=DAY)
        with pytest.raises(PermissionDenied):
            return_case_advance(return_case=case, stage="closed", acting_user=alice, on=DAY)
        with pytest.raises(PermissionDenied):
            return_case_reintegrate(
                return_case=case, subtype="cash", delivered_on=DAY, acting_user=alice
            )
        with pytest.raises(PermissionDenied):
            record(alice, person, category="reintegration", subtype="cash", return_case=case)
        case.refresh_from_db()
        assert case.stage == "returned" and not case.assistances.filter(category="reintegration")

    def test_the_case_s_organisation_moves_it_and_iom_may_too(self, alice, officer, person):
        case = return_case_open(beneficiary=person, country="GN", acting_user=alice, opened_on=DAY)
        case = return_case_advance(return_case=case, stage="returned", acting_user=alice, on=DAY)
        assert (
            return_case_reintegrate(
                return_case=case, subtype="cash", delivered_on=DAY, acting_user=alice
            ).return_case
            == case
        )
        case = return_case_advance(return_case=case, stage="closed", acting_user=officer, on=DAY)
        assert case.stage == "closed"

    def test_an_officer_s_reintegration_is_provided_by_the_case_s_organisation(
        self, officer, alice, charlie, partner_b, person
    ):
        """A's person referred to B, whose case it is: what an officer records there is B's to
        see on its case and to correct, as the stages' rows are."""
        referral = referral_create(
            beneficiary=person,
            category="protection",
            consent=True,
            to_organisation=partner_b,
            acting_user=alice,
            referred_on=DAY,
        )
        referral_respond(referral=referral, accept=True, acting_user=charlie)
        case = return_case_open(
            beneficiary=person, country="GN", acting_user=charlie, opened_on=DAY
        )
        return_case_advance(return_case=case, stage="returned", acting_user=charlie, on=DAY)

        row = return_case_reintegrate(
            return_case=case, subtype="cash", delivered_on=DAY, value_mad=500, acting_user=officer
        )

        assert row.provider == partner_b
        visible = Assistance.objects.visible_to(charlie).filter(return_case=case)
        assert set(visible.values_list("subtype", flat=True)) >= {"return_from_morocco", "cash"}
        corrected = assistance_update(assistance=row, acting_user=charlie, value_mad=450)
        assert corrected.value_mad == 450

    def test_reintegration_waits_for_the_return(self, alice, person):
        case = return_case_open(beneficiary=person, country="GN", acting_user=alice, opened_on=DAY)
        with pytest.raises(ValidationError) as error:
            return_case_reintegrate(
                return_case=case, subtype="cash", delivered_on=DAY, acting_user=alice
            )
        assert "retour effectué" in str(error.value)
        assert not case.assistances.filter(category="reintegration").exists()


class TestActivities:
    def test_group_session_records_one_assistance_per_participant(self, alice, partner_a):
        girl = BeneficiaryFactory(
            organisation=partner_a, sex="F", date_of_birth=datetime.date(2010, 1, 1)
        )
        man = BeneficiaryFactory(
            organisation=partner_a, sex="M", date_of_birth=datetime.date(1980, 1, 1)
        )
        unknown = BeneficiaryFactory(organisation=partner_a, sex="U")
        activity = activity_record(
            category="awareness",
            subtype="gbv",
            title="Causerie",
            participants=[girl, man, unknown, man],
            held_on=DAY,
            acting_user=alice,
        )
        assert activity.assistances.count() == 3
        # The man ticked twice is one participant.
        counts = (activity.women, activity.girls, activity.men, activity.boys, activity.unknown)
        assert counts == (0, 1, 1, 0, 1)

    def test_anonymous_attendees_add_to_the_registered_ones(self, alice, partner_a):
        girl = BeneficiaryFactory(
            organisation=partner_a, sex="F", date_of_birth=datetime.date(2010, 1, 1)
        )
        activity = activity_record(
            category="awareness",
            subtype="health",
            title="Causerie",
            participants=[girl],
            held_on=DAY,
            acting_user=alice,
            headcounts={"women": 7, "girls": 2},
        )
        assert (activity.women, activity.girls, activity.headcount) == (7, 3, 10)
        assert activity.assistances.count() == 1

    def test_explicit_headcounts_cover_anonymous_participants(self, alice):
        activity = activity_record(
            category="awareness",
            subtype="health",
            title="Santé",
            held_on=DAY,
            acting_user=alice,
            headcounts={"women": 12, "men": 9, "girls": 3},
        )
        assert activity.headcount == 24
        assert not activity.assistances.exists()

    def test_group_session_cannot_include_another_partners_people(self, charlie, person):
        with pytest.raises(PermissionDenied):
            activity_record(
                category="awareness",
                subtype="health",
                title="S",
                participants=[person],
                held_on=DAY,
                acting_user=charlie,
            )
