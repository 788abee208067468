import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assistance.choices import SUBTYPES
from assistance.services import assistance_record
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a,
        date_of_birth=datetime.date(2010, 4, 2),
        registered_on=datetime.date(2023, 1, 10),
    )


def test_every_code_of_the_design_is_accepted(person, alice):
    day = datetime.date(2023, 5, 1)
    for category, subtypes in SUBTYPES.items():
        for subtype in subtypes:
            assistance_record(
                beneficiary=person,
                category=category,
                subtype=subtype,
                delivered_on=day,
                country="GN",
                acting_user=alice,
            )
    assert person.assistances.count() == sum(len(s) for s in SUBTYPES.values())


class TestDatabaseInvariants:
    def test_unknown_category_is_refused(self, person):
        with pytest.raises(IntegrityError, match="assistance_category_valid"), transaction.atomic():
            AssistanceFactory(beneficiary=person, category="magic", subtype="other")

    def test_subtype_of_another_category_is_refused(self, person):
        with pytest.raises(IntegrityError, match="subtype_of_category"), transaction.atomic():
            AssistanceFactory(beneficiary=person, category="food", subtype="consultation")

    def test_return_without_country_is_refused(self, person):
        with pytest.raises(IntegrityError, match="return_has_country"), transaction.atomic():
            AssistanceFactory(
                beneficiary=person, category="avrr", subtype="return_from_morocco", country=""
            )

    def test_duplicate_assistance_ref_per_provider_is_refused(self, person):
        AssistanceFactory(beneficiary=person, assistance_ref="ROW-1")
        with pytest.raises(IntegrityError, match="assistance_ref_unique"), transaction.atomic():
            AssistanceFactory(beneficiary=person, assistance_ref="ROW-1")

    def test_empty_assistance_refs_do_not_collide(self, person):
        AssistanceFactory(beneficiary=person, assistance_ref="")
        AssistanceFactory(beneficiary=person, assistance_ref="")
        assert person.assistances.count() == 2


class TestValidationMessages:
    def test_unknown_category(self, person, alice):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="magic",
                subtype="other",
                delivered_on=datetime.date(2023, 5, 1),
                acting_user=alice,
            )
        assert "category" in exc.value.message_dict

    def test_subtype_of_another_category(self, person, alice):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="food",
                subtype="consultation",
                delivered_on=datetime.date(2023, 5, 1),
                acting_user=alice,
            )
        assert "n'appartient pas à la catégorie" in " ".join(exc.value.message_dict["subtype"])

    def test_assistance_before_birth(self, person, alice):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="medical",
                subtype="consultation",
                delivered_on=datetime.date(2009, 1, 1),
                acting_user=alice,
            )
        assert "avant la naissance" in " ".join(exc.value.message_dict["delivered_on"])

    def test_assistance_before_estimated_birth_year(self, partner_a, alice):
        person = BeneficiaryFactory(organisation=partner_a, date_of_birth=None, birth_year=2015)
        with pytest.raises(ValidationError):
            assistance_record(
                beneficiary=person,
                category="food",
                subtype="meal",
                delivered_on=datetime.date(2014, 12, 31),
                acting_user=alice,
            )

    def test_delivered_in_the_future(self, person, alice):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="food",
                subtype="meal",
                delivered_on=datetime.date(2999, 1, 1),
                acting_user=alice,
            )
        assert "delivered_on" in exc.value.message_dict

    def test_planned_in_the_future_is_fine(self, person, alice):
        row = assistance_record(
            beneficiary=person,
            category="food",
            subtype="meal",
            delivered_on=datetime.date(2999, 1, 1),
            status="planned",
            acting_user=alice,
        )
        assert row.pk

    def test_outside_the_project_period(self, person, alice, project):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="food",
                subtype="meal",
                delivered_on=datetime.date(2022, 12, 31),
                project=project,
                acting_user=alice,
            )
        assert "project" in exc.value.message_dict

    def test_return_needs_a_country(self, person, alice):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="avrr",
                subtype="return_from_morocco",
                delivered_on=datetime.date(2023, 5, 1),
                acting_user=alice,
            )
        assert "country" in exc.value.message_dict

    def test_country_code_is_checked(self, person, alice):
        with pytest.raises(ValidationError) as exc:
            assistance_record(
                beneficiary=person,
                category="avrr",
                subtype="return_from_morocco",
                country="ZZ",
                delivered_on=datetime.date(2023, 5, 1),
                acting_user=alice,
            )
        assert "country" in exc.value.message_dict
