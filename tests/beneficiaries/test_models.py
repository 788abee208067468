import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from beneficiaries.models import Beneficiary, age_on
from beneficiaries.services import beneficiary_register
from tests.beneficiaries.factories import BeneficiaryFactory


class TestAgeOn:
    def test_whole_years_from_date_of_birth(self):
        born = datetime.date(2005, 3, 10)
        assert age_on(date_of_birth=born, birth_year=None, on=datetime.date(2023, 3, 9)) == 17
        assert age_on(date_of_birth=born, birth_year=None, on=datetime.date(2023, 3, 10)) == 18

    def test_birth_year_alone_means_first_of_july(self):
        assert age_on(date_of_birth=None, birth_year=2005, on=datetime.date(2023, 6, 30)) == 17
        assert age_on(date_of_birth=None, birth_year=2005, on=datetime.date(2023, 7, 1)) == 18

    def test_date_of_birth_wins_over_birth_year(self):
        age = age_on(
            date_of_birth=datetime.date(2005, 12, 31), birth_year=2005, on=datetime.date(2023, 7, 1)
        )
        assert age == 17

    def test_unknown_without_either(self):
        assert age_on(date_of_birth=None, birth_year=None, on=datetime.date(2023, 1, 1)) is None

    def test_born_on_29_february(self):
        born = datetime.date(2004, 2, 29)
        assert age_on(date_of_birth=born, birth_year=None, on=datetime.date(2022, 2, 28)) == 17
        assert age_on(date_of_birth=born, birth_year=None, on=datetime.date(2022, 3, 1)) == 18


class TestDatabaseInvariants:
    """The constraints hold even for writes that bypass the services."""

    def test_bad_sex_code_is_refused(self, partner_a):
        person = BeneficiaryFactory.build(organisation=partner_a, sex="X")
        with pytest.raises(IntegrityError, match="beneficiary_sex_valid"), transaction.atomic():
            person.save()

    def test_bad_vulnerability_code_is_refused(self, partner_a):
        person = BeneficiaryFactory.build(organisation=partner_a, vulnerabilities=["uasc", "zzz"])
        with pytest.raises(IntegrityError, match="vulnerabilities_valid"), transaction.atomic():
            person.save()

    def test_birth_after_registration_is_refused(self, partner_a):
        person = BeneficiaryFactory.build(
            organisation=partner_a,
            date_of_birth=datetime.date(2023, 2, 1),
            registered_on=datetime.date(2023, 1, 1),
        )
        with pytest.raises(IntegrityError, match="born_before_registration"), transaction.atomic():
            person.save()

    def test_duplicate_partner_reference_is_refused(self, partner_a):
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-1")
        with pytest.raises(IntegrityError, match="beneficiary_ref_unique"), transaction.atomic():
            BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-1")

    def test_same_reference_in_two_organisations_is_fine(self, partner_a, partner_b):
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="CASE-1")
        BeneficiaryFactory(organisation=partner_b, beneficiary_ref="CASE-1")
        assert Beneficiary.objects.filter(beneficiary_ref="CASE-1").count() == 2

    def test_nationality_must_be_iso_alpha2(self, partner_a):
        person = BeneficiaryFactory.build(organisation=partner_a, nationality="gn")
        with pytest.raises(IntegrityError, match="nationality_iso2"), transaction.atomic():
            person.save()


class TestValidationMessages:
    """What a caseworker sees when the service refuses a record."""

    def test_duplicate_reference_gives_a_clear_error(self, alice):
        beneficiary_register(acting_user=alice, beneficiary_ref="OUJ-7", first_name="Awa", sex="F")
        with pytest.raises(ValidationError) as exc:
            beneficiary_register(
                acting_user=alice, beneficiary_ref="OUJ-7", first_name="Awa", sex="F"
            )
        assert "existe déjà dans votre organisation" in str(exc.value)

    def test_future_date_of_birth(self, alice):
        with pytest.raises(ValidationError) as exc:
            beneficiary_register(
                acting_user=alice,
                beneficiary_ref="X1",
                sex="F",
                date_of_birth=datetime.date(2999, 1, 1),
            )
        assert "date_of_birth" in exc.value.message_dict

    def test_birth_year_must_match_date_of_birth(self, alice):
        with pytest.raises(ValidationError) as exc:
            beneficiary_register(
                acting_user=alice,
                beneficiary_ref="X2",
                sex="M",
                date_of_birth=datetime.date(2000, 1, 1),
                birth_year=1999,
                registered_on=datetime.date(2023, 1, 1),
            )
        assert "birth_year" in exc.value.message_dict

    def test_unknown_nationality_code(self, alice):
        with pytest.raises(ValidationError) as exc:
            beneficiary_register(acting_user=alice, beneficiary_ref="X3", sex="M", nationality="QQ")
        assert "nationality" in exc.value.message_dict

    def test_bad_sex_code(self, alice):
        with pytest.raises(ValidationError) as exc:
            beneficiary_register(acting_user=alice, beneficiary_ref="X4", sex="X")
        assert "sex" in exc.value.message_dict
