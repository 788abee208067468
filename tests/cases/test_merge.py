"""A person's cases follow a merge of their records and its undo (cases.merge, registered with
beneficiaries.hooks.register_merge)."""

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.models import Beneficiary, BeneficiaryMerge
from beneficiaries.services import beneficiary_merge, beneficiary_merge_undo
from cases import services
from cases.choices import ClosureReason
from cases.models import Case
from tests.beneficiaries.factories import BeneficiaryFactory


@pytest.fixture
def pair(partner_a):
    return (
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-1"),
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-2"),
    )


def test_the_cases_follow_the_merge_and_its_undo(pair, alice, manager_a, officer):
    keep, duplicate = pair
    case = services.case_open(beneficiary=duplicate, acting_user=alice)
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    merge = BeneficiaryMerge.objects.get()
    assert Case.objects.get(pk=case.pk).beneficiary_id == keep.pk
    assert merge.moved["cases"] == [case.pk]
    beneficiary_merge_undo(merge=merge, acting_user=officer)
    assert Case.objects.get(pk=case.pk).beneficiary_id == duplicate.pk


def test_two_open_cases_in_one_organisation_refuse_the_merge(pair, alice, manager_a):
    keep, duplicate = pair
    services.case_open(beneficiary=keep, acting_user=alice)
    other = services.case_open(beneficiary=duplicate, acting_user=alice)
    with pytest.raises(ValidationError, match="clôturez"):
        beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    assert Beneficiary.objects.get(pk=duplicate.pk).merged_into_id is None
    assert Case.objects.get(pk=other.pk).beneficiary_id == duplicate.pk
    services.case_close(case=other, reason=ClosureReason.GOALS_MET, acting_user=alice)
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=manager_a)
    assert Case.objects.filter(beneficiary=keep).count() == 2
