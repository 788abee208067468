"""The case services (cases.services): the rules of DESIGN.md section 7 hold whoever calls
them (pages, API, commands), each write is audited, and bad input changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.services import assistance_record
from cases import services
from cases.choices import CaseStatus, ClosureReason, GoalStatus, TransitionKind
from cases.models import Case, CaseNote, CaseTransition, FollowUp
from core import clock, crypto
from core.models import AuditEntry
from partners.choices import Role
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a, registered_on=clock.today() - datetime.timedelta(days=30)
    )


@pytest.fixture
def case(person, alice):
    return services.case_open(beneficiary=person, acting_user=alice)


def test_opening_a_case_gives_it_to_whoever_opens_it_and_records_the_opening(case, alice):
    assert case.status == CaseStatus.OPEN
    assert case.assigned_to == alice
    assert list(case.transitions.values_list("kind", flat=True)) == [TransitionKind.OPENED]
    assert AuditEntry.objects.filter(model="cases.case", object_id=str(case.pk)).exists()


def test_one_open_case_per_person_and_organisation(case, person, bob):
    with pytest.raises(ValidationError):
        services.case_open(beneficiary=person, acting_user=bob)
    assert Case.objects.count() == 1


def test_another_partner_cannot_open_a_case_for_a_person_it_does_not_see(person, charlie):
    with pytest.raises(PermissionDenied):
        services.case_open(beneficiary=person, acting_user=charlie)


def test_a_case_is_never_given_to_another_organisations_user(person, alice, charlie):
    with pytest.raises(ValidationError) as error:
        services.case_open(beneficiary=person, acting_user=alice, assigned_to=charlie)
    assert "assigned_to" in error.value.message_dict
    assert not Case.objects.exists()


def test_closing_needs_a_reason_and_other_needs_a_note(case, alice):
    with pytest.raises(ValidationError):
        services.case_close(case=case, reason="", acting_user=alice)
    with pytest.raises(ValidationError):
        services.case_close(case=case, reason=ClosureReason.OTHER, acting_user=alice)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not case.transitions.filter(kind=TransitionKind.CLOSED).exists()


def test_close_and_reopen_keep_the_history(case, alice):
    services.case_close(case=case, reason=ClosureReason.GOALS_MET, acting_user=alice)
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, ClosureReason.GOALS_MET)
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, reason="  ", acting_user=alice)
    services.case_reopen(case=case, reason="La personne est revenue", acting_user=alice)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_on is None
    kinds = list(case.transitions.values_list("kind", "closure_reason"))
    assert kinds == [
        (TransitionKind.OPENED, ""),
        (TransitionKind.CLOSED, ClosureReason.GOALS_MET),
        (TransitionKind.REOPENED, ""),
    ]


def test_a_colleague_works_on_the_case_but_another_partner_cannot(case, bob, charlie):
    services.followup_add(case=case, acting_user=bob, due_on=clock.today(), action="Appeler")
    with pytest.raises(PermissionDenied):
        services.followup_add(
            case=case, acting_user=charlie, due_on=clock.today(), action="Appeler"
        )


def test_an_officer_reads_a_partners_case_but_does_not_write_on_it(case, officer):
    assert Case.objects.visible_to(officer).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        services.case_close(case=case, reason=ClosureReason.GOALS_MET, acting_user=officer)


def test_a_followup_cannot_be_due_before_the_case_opened(case, alice):
    with pytest.raises(ValidationError) as error:
        services.followup_add(
            case=case,
            acting_user=alice,
            due_on=case.opened_on - datetime.timedelta(days=1),
            action="Appeler",
        )
    assert "due_on" in error.value.message_dict
    assert not FollowUp.objects.exists()


def test_an_assistance_serves_an_open_goal_of_the_plan(case, alice, person):
    goal = services.goal_add(
        case=case, acting_user=alice, title="Soins", services=["medical:consultation"]
    )
    other = services.goal_add(case=case, acting_user=alice, title="Logement", services=["food"])
    given = assistance_record(
        beneficiary=person, category="medical", subtype="consultation", acting_user=alice
    )
    services.goal_link_assistance(goal=goal, assistance=given, acting_user=alice)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS
    assert list(goal.assistances.all()) == [given]
    with pytest.raises(ValidationError):
        services.goal_link_assistance(goal=other, assistance=given, acting_user=alice)


def test_notes_are_stored_encrypted_and_read_only_by_the_owning_organisation(
    case, alice, bob, officer, charlie
):
    note = services.note_add(case=case, body="Victime de traite, parle peu.", acting_user=alice)
    stored = CaseNote.objects.values_list("body_encrypted", flat=True).get(pk=note.pk)
    assert "traite" not in stored
    assert crypto.decrypt_text(stored) == "Victime de traite, parle peu."
    assert services.note_text(note=note, user=bob) == "Victime de traite, parle peu."
    for outsider in (officer, charlie):
        with pytest.raises(PermissionDenied):
            services.note_text(note=note, user=outsider)
    entry = AuditEntry.objects.get(model="cases.casenote", object_id=str(note.pk))
    assert "traite" not in str(entry.changes)


def test_a_manager_transfers_all_of_a_leaving_caseworkers_cases_with_their_followups(
    partner_a, alice, bob, manager_a
):
    cases = [
        services.case_open(
            beneficiary=BeneficiaryFactory(organisation=partner_a), acting_user=alice
        )
        for _ in range(3)
    ]
    services.followup_add(case=cases[0], acting_user=alice, due_on=clock.today(), action="Visite")
    with pytest.raises(PermissionDenied):
        services.case_transfer(cases=[], from_user=alice, to_user=bob, acting_user=bob)
    moved = services.case_transfer(cases=[], from_user=alice, to_user=bob, acting_user=manager_a)
    assert moved == 3
    assert set(Case.objects.values_list("assigned_to", flat=True)) == {bob.pk}
    assert FollowUp.objects.get().assignee == bob


def test_a_transfer_to_another_organisations_user_changes_nothing(case, manager_a, charlie):
    with pytest.raises(ValidationError):
        services.case_transfer(cases=[case], to_user=charlie, acting_user=manager_a)
    case.refresh_from_db()
    assert case.assigned_to.username == "alice"


def test_an_organisation_may_open_a_case_for_everyone_it_registers(partner_a, alice):
    from beneficiaries.services import beneficiary_register

    partner_a.opens_case_on_registration = True
    partner_a.save(update_fields=["opens_case_on_registration"])
    person = beneficiary_register(acting_user=alice, first_name="Awa", sex="F")
    case = Case.objects.get(beneficiary=person)
    assert case.assigned_to == alice and case.is_open
    assert CaseTransition.objects.filter(case=case, kind=TransitionKind.OPENED).exists()


def test_erasure_deletes_notes_and_clears_the_free_text(case, alice, person, officer):
    from beneficiaries.services import beneficiary_pseudonymise

    services.note_add(case=case, body="Secret", acting_user=alice)
    services.assessment_record(case=case, acting_user=alice, needs=["medical"], summary="Récit")
    beneficiary_pseudonymise(beneficiary=person, acting_user=officer, reason="person_request")
    assert not CaseNote.objects.exists()
    assert case.assessments.get().summary == ""


def test_a_manager_of_the_organisation_may_hold_a_case(person, alice, partner_a):
    chief = member(partner_a, Role.PARTNER_MANAGER, username="chef")
    case = services.case_open(beneficiary=person, acting_user=alice, assigned_to=chief)
    assert case.assigned_to == chief


def test_an_orphan_document_file_is_purged_after_a_day_and_a_named_one_stays(case, alice):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services.confidential import DOCUMENTS_PREFIX, documents_purge_orphans
    from core import protected_files

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    kept = services.document_upload(
        case=case,
        kind="consent_form",
        uploaded_file=SimpleUploadedFile("c.pdf", pdf),
        acting_user=alice,
    )
    orphan = protected_files.store(pdf, prefix=DOCUMENTS_PREFIX)
    assert documents_purge_orphans() == 0  # too young: an upload may still be committing
    old = clock.now().timestamp() - 2 * 86400
    for name in (orphan, kept.stored_name):
        os.utime(protected_files.root() / name, (old, old))
    assert documents_purge_orphans() == 1
    assert not protected_files.exists(orphan)
    assert protected_files.read(kept.stored_name) == pdf
