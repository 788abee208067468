"""Fixtures of the case pages: partner A's person and A's case on them (alice's), and a
partner C the person was referred to (carol: she sees the person, never A's case)."""

import datetime

import pytest

from assistance.referrals import services as referral_services
from beneficiaries.services import beneficiary_register
from cases.services import case_open
from partners.choices import Role
from tests.partners.factories import OrganisationFactory, city, member

# Only A's case says this: if it shows up in someone else's page, it leaked.
CASE_SECRET = "Hébergement loin du réseau"


@pytest.fixture
def person(alice, project):
    return beneficiary_register(
        acting_user=alice,
        beneficiary_ref="A-CASE-001",
        first_name="Mariam",
        last_name="Kouyaté",
        sex="F",
        date_of_birth=datetime.date(1998, 3, 4),
        nationality="ML",
        city=city("oujda"),
        registered_on=datetime.date(2024, 1, 10),
        consent=True,
    )


@pytest.fixture
def case(person, alice):
    return case_open(
        beneficiary=person,
        acting_user=alice,
        risk_level="medium",
        opened_on=datetime.date(2024, 2, 1),
    )


@pytest.fixture
def partner_c(db, project):
    partner = OrganisationFactory(slug="partner-c", name="Partenaire C", city=city("rabat"))
    project.partners.add(partner)
    return partner


@pytest.fixture
def carol(partner_c):
    return member(partner_c, Role.CASEWORKER, username="carol")


@pytest.fixture
def referred(person, alice, carol, partner_c):
    """A referred the person to C, and C accepted: carol now sees the person."""
    referral = referral_services.referral_create(
        beneficiary=person,
        category="psychosocial",
        consent=True,
        to_organisation=partner_c,
        referred_on=datetime.date(2024, 2, 10),
        acting_user=alice,
    )
    return referral_services.referral_respond(referral=referral, accept=True, acting_user=carol)


@pytest.fixture(autouse=True)
def protected_root(settings, tmp_path):
    """core.protected_files writes under a fresh folder, never under var/."""
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    return settings.PROTECTED_FILES_ROOT
