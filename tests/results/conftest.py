import pytest

from partners.choices import Role
from tests.partners.factories import DonorFactory, OrganisationFactory, ProjectFactory, member


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
