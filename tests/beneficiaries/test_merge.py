"""Merging two records of one person and undoing it (beneficiaries.merges.services): who may,
what survives, what follows, the figures, the undo and its closed-period rule, the hook."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Assistance, Referral, ReturnCase
from beneficiaries import hooks
from beneficiaries.choices import ConsentPurpose, ErasureReason
from beneficiaries.consents.services import consent_record
from beneficiaries.models import Beneficiary, BeneficiaryAccess, BeneficiaryMerge, Consent
from beneficiaries.services import (
    beneficiary_merge,
    beneficiary_merge_undo,
    beneficiary_pseudonymise,
    beneficiary_update,
)
from core.models import AuditEntry
from partners.services import period_close, period_reopen
from reporting.engine import Scope, bilan, compute
from reporting.facts import facts_check
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

D = datetime.date
Q2 = parse_period("2023-Q2")


@pytest.fixture
def pair(partner_a):
    """Two records of one woman in partner A: the kept one says 30 years old, the duplicate
    (the right one) a girl of 14; the kept one's sex was left unknown."""
    keep = BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-1",
        first_name="Fatoumata",
        last_name="Diallo",
        sex="U",
        date_of_birth=D(1993, 1, 1),
    )
    duplicate = BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-2",
        first_name="Fatumata",
        last_name="Diallo",
        sex="F",
        date_of_birth=D(2009, 3, 1),
    )
    return keep, duplicate


@pytest.fixture
def b_person(partner_b):
    return BeneficiaryFactory(organisation=partner_b, beneficiary_ref="B-1")


def cells(result):
    return {k: getattr(result, k) for k in ("total", "women", "girls", "men", "boys", "unknown")}


# --- Who --------------------------------------------------------------------------------------


def test_an_officer_merges_records_of_two_partners(officer, pair, b_person):
    keep, _ = pair
    beneficiary_merge(duplicate=b_person, keep=keep, acting_user=officer)
    b_person.refresh_from_db()
    assert b_person.merged_into_id == keep.pk


def test_a_manager_merges_two_records_of_their_organisation(manager_a, pair):
    keep, duplicate = pair
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk


def test_a_manager_does_not_merge_across_organisations(manager_a, pair, b_person, partner_a):
    # Partner B's person was shared with A: the manager sees them, and still may not merge.
    BeneficiaryAccess.objects.create(beneficiary=b_person, organisation=partner_a)
    assert Beneficiary.objects.visible_to(manager_a).filter(pk=b_person.pk).exists()
    with pytest.raises(PermissionDenied, match="OIM"):
        beneficiary_merge(duplicate=b_person, keep=pair[0], acting_user=manager_a)
    b_person.refresh_from_db()
    assert b_person.merged_into_id is None
    assert not BeneficiaryMerge.objects.exists()


@pytest.mark.parametrize("who", ["alice", "charlie", "donor_user"])
def test_caseworkers_other_partners_and_donors_do_not_merge(request, who, pair):
    keep, duplicate = pair
    with pytest.raises(PermissionDenied):
        beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=request.getfixturevalue(who))
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert not BeneficiaryMerge.objects.exists()


def test_merged_or_pseudonymised_records_are_refused_clearly(manager_a, pair, partner_a):
    keep, duplicate = pair
    third = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-3")
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    with pytest.raises(ValidationError, match="déjà fusionnée"):
        beneficiary_merge(duplicate=third, keep=duplicate, acting_user=manager_a)
    beneficiary_pseudonymise(
        beneficiary=third, reason=ErasureReason.PERSON_REQUEST, acting_user=manager_a
    )
    with pytest.raises(ValidationError, match="effacées"):
        beneficiary_merge(duplicate=third, keep=keep, acting_user=manager_a)


# --- What survives, what follows --------------------------------------------------------------


def test_the_chosen_values_survive_on_the_kept_record_audited(manager_a, pair, project):
    keep, duplicate = pair
    version = keep.version
    beneficiary_merge(
        duplicate=duplicate,
        keep=keep,
        acting_user=manager_a,
        take_from_duplicate=["sex", "date_of_birth"],
    )
    keep.refresh_from_db()
    assert (keep.sex, keep.date_of_birth, keep.first_name) == ("F", D(2009, 3, 1), "Fatoumata")
    assert keep.beneficiary_ref == "A-1"
    assert keep.version == version + 1
    entry = AuditEntry.objects.get(action="merge", object_id=str(keep.pk))
    assert entry.changes["sex"] == ["U", "F"]
    assert entry.changes["date_of_birth"] == ["1993-01-01", "2009-03-01"]
    assert entry.changes["merged"] == duplicate.pk
    assert AuditEntry.objects.filter(action="merge", object_id=str(duplicate.pk)).exists()


def test_surviving_values_that_make_no_valid_record_change_nothing(manager_a, pair):
    keep, duplicate = pair
    Beneficiary.objects.filter(pk=duplicate.pk).update(date_of_birth=D(2023, 1, 10))
    Beneficiary.objects.filter(pk=keep.pk).update(registered_on=D(2023, 1, 1))
    duplicate.refresh_from_db()
    with pytest.raises(ValidationError):
        beneficiary_merge(
            duplicate=duplicate,
            keep=keep,
            acting_user=manager_a,
            take_from_duplicate=["date_of_birth"],
        )
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert not BeneficiaryMerge.objects.exists()


def test_everything_follows_and_the_merge_is_recorded(
    manager_a, alice, pair, partner_a, partner_b, project
):
    keep, duplicate = pair
    rows = [AssistanceFactory(beneficiary=duplicate, project=project) for _ in range(2)]
    referral = Referral.objects.create(
        beneficiary=duplicate,
        from_organisation=partner_a,
        to_structure="Hôpital",
        consent=True,
        category="medical",
        referred_on=D(2023, 5, 1),
    )
    return_case = ReturnCase.objects.create(
        beneficiary=duplicate, organisation=partner_a, country="GN", opened_on=D(2023, 5, 1)
    )
    consent = consent_record(
        beneficiary=duplicate,
        purpose=ConsentPurpose.REFERRAL,
        recipient=partner_b,
        given_on=D(2023, 5, 1),
        acting_user=alice,
    )
    BeneficiaryAccess.objects.create(beneficiary=duplicate, organisation=partner_b)
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)

    assert set(Assistance.objects.values_list("beneficiary_id", flat=True)) == {keep.pk}
    assert Referral.objects.get().beneficiary_id == keep.pk
    assert ReturnCase.objects.get().beneficiary_id == keep.pk
    assert Consent.objects.get(pk=consent.pk).beneficiary_id == keep.pk
    access = BeneficiaryAccess.objects.get(beneficiary=keep, organisation=partner_b)
    merge = BeneficiaryMerge.objects.get()
    assert (merge.duplicate, merge.keep, merge.merged_by) == (duplicate, keep, manager_a)
    assert merge.moved["assistances"] == sorted(r.pk for r in rows)
    assert merge.moved["referrals"] == [referral.pk]
    assert merge.moved["return_cases"] == [return_case.pk]
    assert consent.pk in merge.moved["consents"]
    assert merge.moved["accesses"] == [access.pk]
    assert merge.kept_before["sex"] == "U"
    assert merge.kept_before["first_name"] == "Fatoumata"
    assert facts_check().ok


# --- The figures --------------------------------------------------------------------------------


def test_the_figures_count_the_person_once_with_the_surviving_sex_and_age(
    manager_a, officer, pair, project
):
    keep, duplicate = pair
    AssistanceFactory(beneficiary=keep, project=project, delivered_on=D(2023, 4, 10))
    AssistanceFactory(beneficiary=duplicate, project=project, delivered_on=D(2023, 5, 10))
    scope = Scope(project_id=project.pk)
    before = compute(scope, Q2)
    # Two people: one of unknown sex (the kept record), one girl.
    assert cells(before["beneficiaries_reached"]) == {
        "total": 2, "women": 0, "girls": 1, "men": 0, "boys": 0, "unknown": 1
    }  # fmt: skip

    beneficiary_merge(
        duplicate=duplicate,
        keep=keep,
        acting_user=manager_a,
        take_from_duplicate=["sex", "date_of_birth"],
    )
    after = compute(scope, Q2)
    assert cells(after["beneficiaries_reached"]) == {
        "total": 1, "women": 0, "girls": 1, "men": 0, "boys": 0, "unknown": 0
    }  # fmt: skip
    assert cells(after["assistances_delivered"]) == {
        "total": 2, "women": 0, "girls": 2, "men": 0, "boys": 0, "unknown": 0
    }  # fmt: skip
    assert after["beneficiaries_reached"].by_age_band["12-17"] == 1
    report = bilan(project, Q2)["indicators"]["beneficiaries_reached"]
    assert (report["total"], report["girls"], report["unknown"]) == (1, 1, 0)
    assert facts_check().ok

    # The undo gives the figures of before back.
    beneficiary_merge_undo(merge=BeneficiaryMerge.objects.get(), acting_user=officer)
    assert cells(compute(scope, Q2)["beneficiaries_reached"]) == cells(
        before["beneficiaries_reached"]
    )
    assert facts_check().ok


# --- The undo -------------------------------------------------------------------------------------


def test_an_officer_undoes_a_merge(manager_a, officer, alice, pair, partner_b, project):
    keep, duplicate = pair
    row = AssistanceFactory(beneficiary=duplicate, project=project)
    own = AssistanceFactory(beneficiary=keep, project=project)
    consent = consent_record(
        beneficiary=duplicate,
        purpose=ConsentPurpose.REFERRAL,
        recipient=partner_b,
        given_on=D(2023, 5, 1),
        acting_user=alice,
    )
    BeneficiaryAccess.objects.create(beneficiary=duplicate, organisation=partner_b)
    beneficiary_merge(
        duplicate=duplicate,
        keep=keep,
        acting_user=manager_a,
        take_from_duplicate=["sex", "first_name"],
    )
    merge = BeneficiaryMerge.objects.get()
    beneficiary_merge_undo(merge=merge, acting_user=officer)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    merge.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert (keep.sex, keep.first_name) == ("U", "Fatoumata")
    assert Assistance.objects.get(pk=row.pk).beneficiary_id == duplicate.pk
    assert Assistance.objects.get(pk=own.pk).beneficiary_id == keep.pk
    assert Consent.objects.get(pk=consent.pk).beneficiary_id == duplicate.pk
    assert not BeneficiaryAccess.objects.filter(beneficiary=keep).exists()
    assert BeneficiaryAccess.objects.filter(beneficiary=duplicate).exists()
    assert (merge.undone_by, merge.is_undone) == (officer, True)
    entry = AuditEntry.objects.get(action="unmerge", object_id=str(keep.pk))
    assert entry.changes["sex"] == ["F", "U"]
    assert AuditEntry.objects.filter(action="unmerge", object_id=str(duplicate.pk)).exists()
    assert facts_check().ok
    with pytest.raises(ValidationError, match="déjà été annulée"):
        beneficiary_merge_undo(merge=merge, acting_user=officer)
    # Undone, the two may be merged again.
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)


def test_a_value_changed_since_the_merge_stays(manager_a, officer, pair):
    keep, duplicate = pair
    beneficiary_merge(
        duplicate=duplicate,
        keep=keep,
        acting_user=manager_a,
        take_from_duplicate=["sex", "first_name"],
    )
    beneficiary_update(beneficiary=keep, acting_user=manager_a, first_name="Fanta")
    beneficiary_merge_undo(merge=BeneficiaryMerge.objects.get(), acting_user=officer)
    keep.refresh_from_db()
    assert (keep.first_name, keep.sex) == ("Fanta", "U")


@pytest.mark.parametrize("who", ["manager_a", "alice", "charlie", "donor_user"])
def test_only_an_officer_undoes(request, who, manager_a, pair):
    keep, duplicate = pair
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    with pytest.raises(PermissionDenied):
        beneficiary_merge_undo(
            merge=BeneficiaryMerge.objects.get(), acting_user=request.getfixturevalue(who)
        )
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk


def test_no_undo_while_a_closed_period_covers_a_delivered_assistance(
    manager_a, officer, pair, project
):
    keep, duplicate = pair
    AssistanceFactory(beneficiary=duplicate, project=project, delivered_on=D(2023, 5, 10))
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    merge = BeneficiaryMerge.objects.get()
    closed = period_close(project=project, period=Q2, acting_user=officer)
    with pytest.raises(ValidationError, match="période clôturée"):
        beneficiary_merge_undo(merge=merge, acting_user=officer)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk
    assert Assistance.objects.get().beneficiary_id == keep.pk
    # Reopened, the period no longer holds the undo.
    period_reopen(closed_period=closed, reason="fusion erronée", acting_user=officer)
    beneficiary_merge_undo(merge=merge, acting_user=officer)
    assert Assistance.objects.get().beneficiary_id == duplicate.pk


def test_a_closed_period_holds_only_the_assistances_it_covers(manager_a, officer, pair, project):
    keep, duplicate = pair
    AssistanceFactory(beneficiary=duplicate, project=project, delivered_on=D(2023, 7, 10))
    AssistanceFactory(
        beneficiary=keep, project=project, delivered_on=D(2023, 5, 10), status="cancelled"
    )
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    period_close(project=project, period=Q2, acting_user=officer)
    beneficiary_merge_undo(merge=BeneficiaryMerge.objects.get(), acting_user=officer)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_no_undo_once_the_kept_record_was_merged_elsewhere(manager_a, officer, pair, partner_a):
    keep, duplicate = pair
    third = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-3")
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    beneficiary_merge(duplicate=keep, keep=third, acting_user=manager_a)
    first = BeneficiaryMerge.objects.get(duplicate=duplicate)
    with pytest.raises(ValidationError, match="annulez d'abord"):
        beneficiary_merge_undo(merge=first, acting_user=officer)


def test_erasing_the_person_erases_the_merge_records_values(manager_a, officer, pair):
    keep, duplicate = pair
    beneficiary_merge(
        duplicate=duplicate, keep=keep, acting_user=manager_a, take_from_duplicate=["first_name"]
    )
    beneficiary_pseudonymise(
        beneficiary=keep, reason=ErasureReason.PERSON_REQUEST, acting_user=manager_a
    )
    merge = BeneficiaryMerge.objects.get()
    assert merge.kept_before["first_name"] == "" and merge.kept_before["date_of_birth"] is None
    assert merge.kept_after["first_name"] == ""
    assert merge.kept_before["sex"] == "U"
    with pytest.raises(ValidationError, match="effacées"):
        beneficiary_merge_undo(merge=merge, acting_user=officer)


# --- The hook for the apps above ----------------------------------------------------------------


@pytest.fixture
def notes_app():
    """A higher app's rows that follow a merge: here, a list of (row id, person id)."""
    rows = {}
    hooks.register_merge(
        app="notes",
        move=lambda duplicate, keep: [
            row
            for row, owner in list(rows.items())
            if owner == duplicate.pk and not rows.update({row: keep.pk})
        ],
        restore=lambda ids, duplicate: rows.update(dict.fromkeys(ids, duplicate.pk)),
    )
    yield rows
    hooks._merge.pop("notes")


def test_a_registered_app_moves_its_rows_and_gets_them_back(notes_app, manager_a, officer, pair):
    keep, duplicate = pair
    notes_app.update({7: duplicate.pk, 8: keep.pk, 9: duplicate.pk})
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    merge = BeneficiaryMerge.objects.get()
    assert merge.moved["notes"] == [7, 9]
    assert notes_app == {7: keep.pk, 8: keep.pk, 9: keep.pk}
    beneficiary_merge_undo(merge=merge, acting_user=officer)
    assert notes_app == {7: duplicate.pk, 8: keep.pk, 9: duplicate.pk}


def test_assistance_registers_its_relations():
    assert {"assistances", "referrals", "return_cases"} <= set(hooks._merge)
