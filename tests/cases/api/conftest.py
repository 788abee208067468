"""Fixtures of the case-work API tests: API clients and a case of partner A held by alice."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.services import case_open
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.cases.api.data import OPENED


@pytest.fixture
def api():
    """An API client signed in as `user` (None: anonymous)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture(autouse=True)
def protected_files(settings, tmp_path):
    """Documents stored by these tests go to a folder of the test."""
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    return settings.PROTECTED_FILES_ROOT


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-CASE-1")


@pytest.fixture
def case(person, alice):
    return case_open(beneficiary=person, acting_user=alice, opened_on=OPENED)
