"""Fixtures of the API tests: clients signed in as the people of tests/conftest.py, and a
small world with one object of each kind on each side of the partner A / partner B line."""

import datetime

import pytest
from rest_framework.test import APIClient

from assistance.models import Referral
from assistance.referrals.services import referral_create
from assistance.returns.services import return_case_open
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import city


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """An API client signed in as `user` (None: anonymous)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def person_a(partner_a, alice):
    return BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-001", city=city("oujda"))


@pytest.fixture
def person_b(partner_b, charlie):
    return BeneficiaryFactory(
        organisation=partner_b, beneficiary_ref="B-001", city=city("casablanca")
    )


@pytest.fixture
def assistance_a(person_a, project):
    return AssistanceFactory(beneficiary=person_a, project=project)


@pytest.fixture
def referral_a(person_a, alice, partner_b, project) -> Referral:
    """A referral from A to B, still pending: B sees the referral, not yet the person."""
    return referral_create(
        beneficiary=person_a,
        category="medical",
        consent=True,
        acting_user=alice,
        to_organisation=partner_b,
        referred_on=datetime.date(2023, 6, 2),
    )


@pytest.fixture
def return_case_a(person_a, alice, project):
    return return_case_open(
        beneficiary=person_a,
        country="GN",
        acting_user=alice,
        project=project,
        opened_on=datetime.date(2023, 6, 3),
    )
