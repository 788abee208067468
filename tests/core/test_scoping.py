"""DESIGN.md section 5, model by model: who sees what through `visible_to(user)`.

alice owns the records (partner A), bob is her colleague, charlie works for partner B and must
see nothing of A's people; the IOM officer sees everything; the donor no personal record.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from assistance.activities.services import activity_record
from assistance.models import Activity, Assistance, Referral, ReturnCase
from assistance.referrals.services import referral_create, referral_respond
from assistance.returns.services import return_case_open
from assistance.services import assistance_record
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_register
from core.models import AuditEntry
from partners.models import Organisation, Project
from tests.partners.factories import OrganisationFactory, ProjectFactory, UserFactory

DAY = datetime.date(2023, 6, 1)


@pytest.fixture
def world(alice, charlie, officer, donor_user, project, partner_b):
    """One of A's people with an assistance, a referral, a return case and a group session."""
    person = beneficiary_register(
        acting_user=alice,
        beneficiary_ref="A-1",
        first_name="Awa",
        last_name="Diallo",
        sex="F",
        registered_on=datetime.date(2023, 1, 1),
    )
    assistance = assistance_record(
        beneficiary=person,
        category="medical",
        subtype="consultation",
        delivered_on=DAY,
        project=project,
        acting_user=alice,
    )
    referral = referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
        referred_on=DAY,
    )
    case = return_case_open(beneficiary=person, country="GN", acting_user=alice, opened_on=DAY)
    activity = activity_record(
        category="awareness",
        subtype="health",
        title="Séance santé",
        participants=[person],
        held_on=DAY,
        acting_user=alice,
    )
    return {
        "person": person,
        "assistance": assistance,
        "referral": referral,
        "case": case,
        "activity": activity,
    }


PERSONAL_MODELS = [Beneficiary, Assistance, ReturnCase, Activity]


@pytest.mark.parametrize("model", PERSONAL_MODELS + [Referral])
def test_owner_and_colleague_see_their_organisations_records(world, alice, bob, model):
    assert model.objects.visible_to(alice).exists()
    assert set(model.objects.visible_to(bob)) == set(model.objects.visible_to(alice))


@pytest.mark.parametrize("model", PERSONAL_MODELS)
def test_other_partner_sees_nothing(world, charlie, model):
    assert not model.objects.visible_to(charlie).exists()


def test_other_partner_sees_the_referral_addressed_to_it_but_not_the_person(world, charlie):
    assert list(Referral.objects.visible_to(charlie)) == [world["referral"]]
    assert not Beneficiary.objects.visible_to(charlie).exists()


def test_accepting_a_referral_shares_the_person_not_the_assistances(world, charlie):
    referral_respond(referral=world["referral"], accept=True, acting_user=charlie)
    assert list(Beneficiary.objects.visible_to(charlie)) == [world["person"]]
    # A's medical history stays with A: B sees the rows it provides itself.
    assert not Assistance.objects.visible_to(charlie).exists()
    assert not ReturnCase.objects.visible_to(charlie).exists()


def test_declining_a_referral_shares_nothing(world, charlie):
    referral_respond(
        referral=world["referral"],
        accept=False,
        acting_user=charlie,
        decline_reason="out_of_mandate",
    )
    assert not Beneficiary.objects.visible_to(charlie).exists()


@pytest.mark.parametrize("model", PERSONAL_MODELS + [Referral, AuditEntry])
def test_iom_officer_sees_everything(world, officer, model):
    assert model.objects.visible_to(officer).count() == model.objects.count() > 0


@pytest.mark.parametrize("model", PERSONAL_MODELS + [Referral, AuditEntry])
def test_donor_never_sees_a_personal_record(world, donor_user, model):
    assert not model.objects.visible_to(donor_user).exists()


@pytest.mark.parametrize("model", PERSONAL_MODELS + [Referral, AuditEntry, Project, Organisation])
def test_anonymous_and_users_without_membership_see_nothing(world, model):
    assert not model.objects.visible_to(AnonymousUser()).exists()
    assert not model.objects.visible_to(UserFactory(username="nobody")).exists()


@pytest.mark.parametrize("model", [AuditEntry])
def test_partners_do_not_read_the_audit_trail(world, alice, model):
    assert not model.objects.visible_to(alice).exists()


def test_inactive_user_sees_nothing(world, alice):
    alice.is_active = False
    assert not Beneficiary.objects.visible_to(alice).exists()


class TestProjects:
    def test_partner_sees_the_projects_it_implements(self, project, alice, charlie, donor):
        other = ProjectFactory(code="OTHER", donor=donor)
        assert list(Project.objects.visible_to(alice)) == [project]
        assert other not in Project.objects.visible_to(charlie)

    def test_donor_sees_only_the_projects_it_funds(self, project, donor_user):
        ProjectFactory(code="ELSEWHERE")
        assert list(Project.objects.visible_to(donor_user)) == [project]

    def test_iom_officer_sees_all_projects(self, project, officer):
        ProjectFactory(code="ELSEWHERE")
        assert Project.objects.visible_to(officer).count() == 2


class TestOrganisations:
    def test_staff_see_the_directory(self, partner_a, partner_b, alice):
        assert {partner_a, partner_b} <= set(Organisation.objects.visible_to(alice))

    def test_donor_sees_itself_and_its_implementing_partners(
        self, project, donor_user, donor, partner_a, partner_b
    ):
        stranger = OrganisationFactory(slug="stranger")
        visible = set(Organisation.objects.visible_to(donor_user))
        assert {donor, partner_a, partner_b} <= visible
        assert stranger not in visible
