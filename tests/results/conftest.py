import datetime

import pytest

from beneficiaries.choices import Sex
from partners.choices import Role
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory, city, member


@pytest.fixture
def partner_c(db):
    return OrganisationFactory(slug="partner-c", name="Partenaire C")


@pytest.fixture
def outsider(partner_c):
    """A caseworker of a partner that does not implement the project."""
    return member(partner_c, Role.CASEWORKER, username="outsider")


@pytest.fixture
def other_donor_user(db):
    return member(DonorFactory(slug="other-donor"), Role.DONOR, username="other-donor-user")


@pytest.fixture
def other_project(partner_c):
    return ProjectFactory(code="OTHER-PRJ", partners=[partner_c])


D = datetime.date


@pytest.fixture
def deliveries(project, partner_a, partner_b):
    """partner A in Oujda: two women (one assisted twice) and a man; partner B in Casablanca:
    a girl; one assistance of partner A outside the period."""
    oujda, casa = city("oujda"), city("casablanca")
    woman1 = BeneficiaryFactory(organisation=partner_a, sex=Sex.FEMALE, date_of_birth=D(1990, 1, 1))
    woman2 = BeneficiaryFactory(organisation=partner_a, sex=Sex.FEMALE, date_of_birth=D(1985, 1, 1))
    man = BeneficiaryFactory(organisation=partner_a, sex=Sex.MALE, date_of_birth=D(1980, 1, 1))
    girl = BeneficiaryFactory(organisation=partner_b, sex=Sex.FEMALE, date_of_birth=D(2015, 1, 1))
    for person, day in ((woman1, D(2023, 3, 1)), (woman1, D(2023, 4, 1)), (woman2, D(2023, 5, 1)),
                        (man, D(2023, 6, 1)), (man, D(2024, 2, 1))):  # fmt: skip
        AssistanceFactory(beneficiary=person, project=project, provider=partner_a, city=oujda,
                          delivered_on=day)  # fmt: skip
    AssistanceFactory(beneficiary=girl, project=project, provider=partner_b, city=casa,
                      delivered_on=D(2023, 7, 1))  # fmt: skip
