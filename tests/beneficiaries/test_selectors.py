"""Possible duplicates: close names in both parts (or swapped), not a shared surname alone."""

import datetime

from beneficiaries.selectors import beneficiary_possible_duplicates
from tests.beneficiaries.factories import BeneficiaryFactory


def test_a_shared_family_name_alone_is_not_a_possible_duplicate(partner_a, alice):
    BeneficiaryFactory(organisation=partner_a, first_name="Blessing", last_name="Alaoui")
    found = beneficiary_possible_duplicates(
        user=alice, first_name="Aminah", last_name="Alaoui", date_of_birth=datetime.date(1995, 1, 1)
    )
    assert found.own == [] and found.elsewhere is False


def test_close_names_in_both_parts_are_possible_duplicates(partner_a, alice):
    same = BeneficiaryFactory(organisation=partner_a, first_name="Amina", last_name="Alaoui")
    found = beneficiary_possible_duplicates(user=alice, first_name="Aminah", last_name="Alaoui")
    assert found.own == [same]


def test_first_and_last_names_swapped_are_possible_duplicates(partner_a, alice):
    swapped = BeneficiaryFactory(organisation=partner_a, first_name="Diallo", last_name="Mariama")
    found = beneficiary_possible_duplicates(user=alice, first_name="Mariama", last_name="Diallo")
    assert found.own == [swapped]
