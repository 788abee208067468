import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiary_possible_duplicates, beneficiary_search
from beneficiaries.services import (
    beneficiary_merge,
    beneficiary_register,
    beneficiary_register_many,
    beneficiary_update,
)
from core.exceptions import ConflictError
from core.models import AuditEntry
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory


def register(user, ref="A-1", **fields):
    defaults = {
        "first_name": "Fatoumata",
        "last_name": "Diallo",
        "sex": "F",
        "date_of_birth": datetime.date(1990, 2, 3),
        "registered_on": datetime.date(2023, 1, 5),
    }
    return beneficiary_register(acting_user=user, beneficiary_ref=ref, **{**defaults, **fields})


class TestRegister:
    def test_registers_in_the_users_organisation_and_audits(self, alice, partner_a):
        person = register(alice)
        assert person.organisation == partner_a
        assert person.created_by == alice
        entry = AuditEntry.objects.get(model="beneficiaries.beneficiary", object_id=str(person.pk))
        assert entry.actor == alice
        assert entry.action == "create"
        assert entry.changes["first_name"] == [None, "Fatoumata"]

    def test_caseworker_cannot_register_for_another_organisation(self, alice, partner_b):
        with pytest.raises(PermissionDenied):
            register(alice, organisation=partner_b)
        assert not Beneficiary.objects.exists()

    def test_iom_officer_may_register_for_a_partner(self, officer, partner_b):
        assert register(officer, organisation=partner_b).organisation == partner_b

    def test_donor_cannot_register(self, donor_user):
        with pytest.raises(PermissionDenied):
            register(donor_user)

    def test_ownership_cannot_be_passed_as_a_field(self, alice):
        with pytest.raises(TypeError):
            beneficiary_register(acting_user=alice, beneficiary_ref="X", merged_into=None)

    def test_register_many_checks_rows_and_organisation(self, alice, partner_a, partner_b):
        good = BeneficiaryFactory.build(organisation=partner_a, beneficiary_ref="M-1")
        created = beneficiary_register_many(acting_user=alice, beneficiaries=[good])
        assert created[0].pk
        assert AuditEntry.objects.filter(object_id=str(created[0].pk)).count() == 1
        foreign = BeneficiaryFactory.build(organisation=partner_b, beneficiary_ref="M-2")
        with pytest.raises(PermissionDenied):
            beneficiary_register_many(acting_user=alice, beneficiaries=[foreign])
        bad = BeneficiaryFactory.build(
            organisation=partner_a, beneficiary_ref="M-3", date_of_birth=datetime.date(2999, 1, 1)
        )
        with pytest.raises(ValidationError):
            beneficiary_register_many(acting_user=alice, beneficiaries=[bad])


class TestUpdate:
    def test_update_bumps_the_version_and_audits_the_difference(self, alice):
        person = register(alice)
        updated = beneficiary_update(
            beneficiary=person, acting_user=alice, expected_version=1, last_name="Diallo-Barry"
        )
        assert updated.version == 2
        entry = AuditEntry.objects.filter(action="update").get()
        assert entry.changes == {"last_name": ["Diallo", "Diallo-Barry"]}

    def test_stale_version_is_a_conflict_and_nothing_is_overwritten(self, alice, bob):
        person = register(alice)
        beneficiary_update(
            beneficiary=person, acting_user=bob, expected_version=1, first_name="Fatou"
        )
        with pytest.raises(ConflictError) as exc:
            beneficiary_update(
                beneficiary=person, acting_user=alice, expected_version=1, first_name="Fatoumata B."
            )
        assert exc.value.current.first_name == "Fatou"
        person.refresh_from_db()
        assert person.first_name == "Fatou"

    def test_other_partner_cannot_update(self, alice, charlie):
        person = register(alice)
        with pytest.raises(PermissionDenied):
            beneficiary_update(beneficiary=person, acting_user=charlie, first_name="X")

    def test_invalid_update_changes_nothing(self, alice):
        person = register(alice)
        with pytest.raises(ValidationError):
            beneficiary_update(beneficiary=person, acting_user=alice, sex="Z")
        person.refresh_from_db()
        assert person.sex == "F"
        assert person.version == 1


class TestMerge:
    def test_merge_moves_assistances_and_marks_the_duplicate(self, alice, manager_a, partner_a):
        keep = register(alice, ref="A-1")
        duplicate = register(alice, ref="A-2", first_name="Fatumata")
        AssistanceFactory(beneficiary=duplicate, provider=partner_a)
        beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
        duplicate.refresh_from_db()
        assert duplicate.merged_into == keep
        assert Assistance.objects.get().beneficiary == keep
        assert list(Beneficiary.objects.active()) == [keep]
        assert AuditEntry.objects.filter(action="merge", object_id=str(duplicate.pk)).exists()

    def test_partner_cannot_merge_across_organisations(self, alice, manager_a, officer, partner_b):
        keep = register(alice, ref="A-1")
        other = register(officer, ref="B-1", organisation=partner_b)
        with pytest.raises(PermissionDenied):
            beneficiary_merge(duplicate=other, keep=keep, acting_user=manager_a)

    def test_a_caseworker_no_longer_merges(self, alice):
        keep = register(alice, ref="A-1")
        duplicate = register(alice, ref="A-2")
        with pytest.raises(PermissionDenied):
            beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=alice)
        duplicate.refresh_from_db()
        assert duplicate.merged_into is None

    def test_iom_officer_merges_across_organisations(self, alice, officer, partner_b):
        keep = register(alice, ref="A-1")
        other = register(officer, ref="B-1", organisation=partner_b)
        beneficiary_merge(duplicate=other, keep=keep, acting_user=officer)
        other.refresh_from_db()
        assert other.merged_into == keep

    def test_cannot_merge_twice(self, alice, manager_a):
        keep = register(alice, ref="A-1")
        duplicate = register(alice, ref="A-2")
        beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
        with pytest.raises(ValidationError):
            beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)


class TestDuplicatesAndSearch:
    def test_transliteration_variants_are_possible_duplicates(self, alice):
        register(alice, ref="A-1", first_name="Fatoumata", last_name="Diallo")
        found = beneficiary_possible_duplicates(
            user=alice, first_name="Fatumata", last_name="Dialo", birth_year=1990
        )
        assert [p.beneficiary_ref for p in found.own] == ["A-1"]
        assert found.elsewhere is False

    def test_other_organisations_match_is_only_signalled(self, alice, charlie):
        register(alice, ref="A-1", first_name="Mohamed", last_name="Camara")
        found = beneficiary_possible_duplicates(
            user=charlie, first_name="Mohammed", last_name="Camara"
        )
        assert found.own == []
        assert found.elsewhere is True

    def test_different_birth_years_are_not_duplicates(self, alice):
        register(alice, ref="A-1", date_of_birth=datetime.date(1990, 2, 3))
        found = beneficiary_possible_duplicates(
            user=alice, first_name="Fatoumata", last_name="Diallo", birth_year=2005
        )
        assert found.own == [] and found.elsewhere is False

    def test_search_tolerates_typos_and_stays_in_scope(self, alice, charlie, officer, partner_b):
        register(alice, ref="A-1", first_name="Mohammed", last_name="Traoré")
        register(
            officer, ref="B-1", first_name="Mohamed", last_name="Traore", organisation=partner_b
        )
        assert [p.beneficiary_ref for p in beneficiary_search(user=alice, query="Mohamed")] == [
            "A-1"
        ]
        assert [p.beneficiary_ref for p in beneficiary_search(user=charlie, query="Mohammed")] == [
            "B-1"
        ]
