"""The partners services keep organisations and projects consistent whatever path writes
them (admin, API, commands): a kind that nothing contradicts, partners that keep records, a
code that never changes, and a closed organisation whose members lose every access."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from partners.choices import OrganisationKind
from partners.models import Organisation, Project
from partners.services import organisation_update, project_create, project_update
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import (
    DonorFactory,
    OrganisationFactory,
    ProjectFactory,
    api_token,
    live_tokens,
)

pytestmark = pytest.mark.django_db


def refused(field: str, call, **kwargs) -> str:
    """The messages of the ValidationError that `call(**kwargs)` raises on `field`."""
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert set(caught.value.message_dict) == {field}
    return " ".join(caught.value.message_dict[field])


def kind_of(organisation) -> str:
    return Organisation.objects.values_list("kind", flat=True).get(pk=organisation.pk)


# --- An organisation's kind ---------------------------------------------------------------


class TestKindChange:
    def test_a_partner_with_caseworkers_does_not_become_a_donor(self, partner_a, alice, bob):
        message = refused(
            "kind", organisation_update, organisation=partner_a, kind=OrganisationKind.DONOR
        )
        assert "2 membres ont un rôle impossible" in message
        assert kind_of(partner_a) == OrganisationKind.PARTNER

    def test_a_partner_keeping_records_does_not_become_a_donor(self, partner_a):
        BeneficiaryFactory(organisation=partner_a)
        message = refused(
            "kind", organisation_update, organisation=partner_a, kind=OrganisationKind.DONOR
        )
        assert "bénéficiaires" in message and "un bailleur n'en tient jamais" in message
        assert kind_of(partner_a) == OrganisationKind.PARTNER

    def test_an_implementing_partner_does_not_become_a_donor(self, partner_a, project):
        message = refused(
            "kind", organisation_update, organisation=partner_a, kind=OrganisationKind.DONOR
        )
        assert "met en œuvre des projets" in message

    def test_a_donor_funding_a_project_stays_a_donor(self, donor, project):
        message = refused(
            "kind", organisation_update, organisation=donor, kind=OrganisationKind.PARTNER
        )
        assert "finance des projets" in message
        assert kind_of(donor) == OrganisationKind.DONOR

    def test_a_donor_with_donor_users_does_not_become_a_partner(self, donor, donor_user):
        message = refused(
            "kind", organisation_update, organisation=donor, kind=OrganisationKind.PARTNER
        )
        assert "1 membre a un rôle impossible" in message

    def test_nothing_contradicting_it_the_kind_changes(self, donor):
        typo = OrganisationFactory(slug="typo", kind=OrganisationKind.PARTNER)
        organisation_update(organisation=typo, kind=OrganisationKind.DONOR)
        organisation_update(organisation=donor, kind=OrganisationKind.PARTNER)
        assert kind_of(typo) == OrganisationKind.DONOR
        assert kind_of(donor) == OrganisationKind.PARTNER

    def test_the_operations_command_says_why(self, partner_a, alice):
        with pytest.raises(CommandError, match="rôle impossible"):
            call_command("add_organisation", "partner-a", "--name", "A", "--kind", "donor")
        assert kind_of(partner_a) == OrganisationKind.PARTNER


# --- Closing an organisation ----------------------------------------------------------------


class TestDeactivation:
    def test_its_members_api_tokens_are_revoked(self, officer, partner_a, alice, charlie):
        for user in (alice, charlie):
            api_token(user)

        organisation_update(organisation=partner_a, is_active=False, acting_user=officer)

        assert live_tokens(alice) == 0
        assert live_tokens(charlie) == 1
        # Reopened, it gives no old token back.
        organisation_update(organisation=partner_a, is_active=True, acting_user=officer)
        assert live_tokens(alice) == 0

    def test_no_one_closes_their_own_organisation(self, officer, iom):
        message = refused(
            "is_active", organisation_update, organisation=iom, is_active=False, acting_user=officer
        )
        assert "votre propre organisation" in message
        assert Organisation.objects.get(pk=iom.pk).is_active


# --- Projects ---------------------------------------------------------------------------------


class TestProjectCode:
    def test_a_code_never_changes(self, project):
        message = refused("code", project_update, project=project, code="JPN-PROT-2")
        assert "ne change pas" in message
        assert Project.objects.get(pk=project.pk).code == "JPN-PROT"

    def test_the_same_code_is_accepted(self, project):
        project_update(project=project, code="JPN-PROT", title="Protection")
        assert Project.objects.get(pk=project.pk).title == "Protection"


class TestProjectPartners:
    def test_a_donor_never_implements_a_project(self, project, donor):
        message = refused("partners", project_update, project=project, partners=[donor])
        assert "« Ambassade du Japon » ne peut pas mettre en œuvre un projet" in message
        assert set(project.partners.values_list("slug", flat=True)) == {"partner-a", "partner-b"}

    def test_nor_a_closed_partner_on_a_new_project(self, donor, partner_a):
        closed = OrganisationFactory(slug="closed", name="Fermée", is_active=False)
        message = refused(
            "partners",
            project_create,
            code="NEW",
            title="N",
            donor=donor,
            start=ProjectFactory.start,
            end=ProjectFactory.end,
            partners=[partner_a, closed, DonorFactory(slug="eu", name="UE")],
        )
        assert "« Fermée, UE » ne peuvent pas" in message
        assert not Project.objects.filter(code="NEW").exists()

    def test_a_partner_closed_since_it_joined_stays(self, project, partner_a, partner_b):
        organisation_update(organisation=partner_b, is_active=False)
        project_update(project=project, partners=[partner_b])
        assert list(project.partners.values_list("slug", flat=True)) == ["partner-b"]

    def test_the_api_answers_why(self, officer, project, donor):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(officer)
        answer = client.patch(
            f"/api/v1/projects/{project.pk}/", {"partners": [donor.slug]}, format="json"
        )
        assert answer.status_code == 400
        assert "ne peut pas mettre en œuvre un projet" in answer.json()["partners"][0]
