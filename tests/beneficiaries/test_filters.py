"""The beneficiaries FilterSet, shared by the pages and the API."""

import datetime

import pytest

from beneficiaries import filters
from beneficiaries.filters import BeneficiaryFilter
from beneficiaries.models import Beneficiary
from tests.beneficiaries.factories import BeneficiaryFactory


@pytest.mark.parametrize(
    ("today", "birth_year", "minor"),
    [
        # An estimated birth year means 1 July of that year (DESIGN.md section 3).
        (datetime.date(2026, 6, 30), 2008, True),  # 17 until 1 July
        (datetime.date(2026, 7, 1), 2008, False),  # 18 on 1 July: an adult that day
        (datetime.date(2026, 7, 2), 2008, False),
        (datetime.date(2026, 7, 1), 2009, True),
    ],
)
def test_age_group_with_an_estimated_birth_year(monkeypatch, partner_a, today, birth_year, minor):
    monkeypatch.setattr(filters.timezone, "localdate", lambda: today)
    person = BeneficiaryFactory(
        organisation=partner_a,
        date_of_birth=None,
        birth_year=birth_year,
        registered_on=datetime.date(2026, 1, 1),
    )
    assert person.is_minor_on(today) is minor
    queryset = Beneficiary.objects.filter(pk=person.pk)
    minors = BeneficiaryFilter({"age_group": "minor"}, queryset=queryset).qs
    adults = BeneficiaryFilter({"age_group": "adult"}, queryset=queryset).qs
    assert (minors.exists(), adults.exists()) == (minor, not minor)
