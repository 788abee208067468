"""The members page of DESIGN.md section 5: a partner manager invites users into their own
organisation (a partner's roles only), withdraws and restores their access; an IOM officer
does so for everyone. No one reaches another organisation's users (404), nor withdraws their
own access; a withdrawn user's tokens die and their sign-in is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry
from partners import hooks
from partners.choices import Role
from partners.models import Membership
from partners.services import member_invite, membership_deactivate
from tests.partners.factories import PASSWORD, api_token, live_tokens, member, sign_in_request

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def manager_b(partner_b):
    return member(partner_b, Role.PARTNER_MANAGER, username="manager-b")


def as_(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def can_sign_in(username: str, password: str) -> bool:
    return Client().login(request=sign_in_request(), username=username, password=password)


def api_answers(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/organisations/").status_code


INVITE = reverse("partners:member_invite")


def invite(user, **data):
    fields = {"username": "dina", "first_name": "Dina", "last_name": "Alaoui", "role": "caseworker"}
    return as_(user).post(INVITE, fields | data)


def deactivate_url(user) -> str:
    return reverse("partners:member_deactivate", args=[user.membership.pk])


def reactivate_url(user) -> str:
    return reverse("partners:member_reactivate", args=[user.membership.pk])


def is_active(user) -> bool:
    return Membership.objects.get(user=user).is_active


# --- Inviting a user --------------------------------------------------------------------------


class TestInvite:
    def test_a_manager_invites_a_caseworker_into_their_organisation(self, manager_a, partner_a):
        response = invite(manager_a, email="dina@example.org")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        password = response.context["password"]
        assert password in response.content.decode()
        membership = Membership.objects.select_related("user").get(user__username="dina")
        assert membership.organisation == partner_a and membership.role == Role.CASEWORKER
        assert membership.is_active and membership.must_change_password
        assert membership.user.get_full_name() == "Dina Alaoui"
        assert membership.user.email == "dina@example.org"
        assert can_sign_in("dina", password)
        # The temporary password leads to the change page first.
        client = Client()
        client.login(request=sign_in_request(), username="dina", password=password)
        assert client.get(reverse("home"))["Location"] == reverse("partners:password_change")

    def test_it_is_audited_without_the_password(self, manager_a):
        password = invite(manager_a).context["password"]
        user = User.objects.get(username="dina")
        entries = AuditEntry.objects.filter(actor=manager_a, action=AuditEntry.Action.CREATE)
        assert {(e.model, e.object_id) for e in entries} == {
            ("auth.user", str(user.pk)),
            ("partners.membership", str(user.membership.pk)),
        }
        for entry in entries:
            assert password not in str(entry.changes) and user.password not in str(entry.changes)
        assert entries.get(model="auth.user").changes["username"] == [None, "dina"]

    def test_a_manager_may_invite_another_manager(self, manager_a, partner_a):
        assert invite(manager_a, role="partner_manager").status_code == 200
        assert Membership.objects.get(user__username="dina").role == Role.PARTNER_MANAGER

    def test_a_managers_form_offers_only_their_organisation_and_a_partners_roles(self, manager_a):
        response = as_(manager_a).get(INVITE)
        assert response.status_code == 200
        form = response.context["form"]
        assert [value for value, _label in form.fields["role"].choices] == [
            "caseworker",
            "partner_manager",
        ]
        html = response.content.decode()
        assert '<select name="organisation"' not in html and "Partenaire A" in html

    def test_a_forged_organisation_is_refused(self, manager_a, partner_b):
        before = User.objects.count()
        response = invite(manager_a, organisation=partner_b.pk)
        assert response.status_code == 400
        assert "Vous ne pouvez inviter que dans votre organisation." in response.content.decode()
        assert User.objects.count() == before
        assert not Membership.objects.filter(organisation=partner_b).exists()

    @pytest.mark.parametrize("role", ["iom_officer", "donor", "superuser"])
    def test_a_forged_role_is_refused(self, manager_a, role):
        before = User.objects.count()
        response = invite(manager_a, role=role)
        assert response.status_code == 400
        assert "Vous ne pouvez pas donner ce rôle" in response.content.decode()
        assert User.objects.count() == before

    @pytest.mark.parametrize("username", ["alice", "ALICE", " alice "])
    def test_a_username_already_taken_is_refused(self, manager_a, alice, username):
        before = User.objects.count()
        response = invite(manager_a, username=username)
        assert response.status_code == 400
        assert response.context["form"].errors["username"]
        assert User.objects.count() == before
        alice.refresh_from_db()
        assert alice.check_password(PASSWORD)

    def test_a_malformed_username_or_email_is_refused(self, manager_a):
        assert invite(manager_a, username="dina alaoui").status_code == 400
        assert invite(manager_a, email="not-an-address").status_code == 400
        assert not User.objects.filter(username__startswith="dina").exists()

    def test_an_officer_invites_into_any_organisation_in_a_role_of_its_kind(
        self, officer, partner_b, donor
    ):
        response = invite(officer, organisation=partner_b.pk, role="partner_manager")
        assert response.status_code == 200
        assert Membership.objects.get(user__username="dina").organisation == partner_b
        response = invite(officer, username="sato", organisation=donor.pk, role="donor")
        assert response.status_code == 200
        assert Membership.objects.get(user__username="sato").role == Role.DONOR
        # A role the organisation's kind does not allow (Membership.clean): nothing created.
        response = invite(officer, username="eve", organisation=partner_b.pk, role="iom_officer")
        assert response.status_code == 400 and response.context["form"].errors["role"]
        assert not User.objects.filter(username="eve").exists()

    def test_an_officer_chooses_the_organisation(self, officer, partner_a, donor):
        form = as_(officer).get(INVITE).context["form"]
        assert {partner_a, donor} <= set(form.fields["organisation"].queryset)
        assert len(form.fields["role"].choices) == len(Role.choices)
        assert invite(officer).status_code == 400  # none given
        assert not User.objects.filter(username="dina").exists()

    @pytest.mark.parametrize("who", ["caseworker", "donor"])
    def test_caseworkers_and_donors_get_404(self, who, alice, donor_user, partner_a):
        user = {"caseworker": alice, "donor": donor_user}[who]
        assert as_(user).get(INVITE).status_code == 404
        assert invite(user, organisation=partner_a.pk).status_code == 404
        assert not User.objects.filter(username="dina").exists()

    def test_anonymous_visitors_sign_in_first(self, partner_a):
        response = invite(None, organisation=partner_a.pk)
        assert response["Location"].startswith(reverse("login"))
        assert not User.objects.filter(username="dina").exists()

    def test_the_service_checks_the_role_and_the_organisation_itself(
        self, manager_a, alice, partner_a, partner_b
    ):
        with pytest.raises(ValidationError):
            member_invite(
                organisation=partner_b, username="x", role="caseworker", acting_user=manager_a
            )
        with pytest.raises(ValidationError):
            member_invite(
                organisation=partner_a, username="x", role="iom_officer", acting_user=manager_a
            )
        with pytest.raises(PermissionDenied):
            member_invite(
                organisation=partner_a, username="x", role="caseworker", acting_user=alice
            )
        assert not User.objects.filter(username="x").exists()


# --- Withdrawing and restoring access ---------------------------------------------------------


class TestDeactivate:
    def test_a_manager_withdraws_a_members_access(self, manager_a, alice):
        key = api_token(alice)
        alices_session = as_(alice)
        client = as_(manager_a)
        page = client.get(deactivate_url(alice))
        assert page.status_code == 200 and "alice" in page.content.decode()
        assert page.context["open_work"] == []
        assert is_active(alice)  # the confirmation page changes nothing

        response = client.post(deactivate_url(alice))
        assert response.status_code == 302 and response["Location"] == reverse("partners:members")
        assert not is_active(alice)
        assert live_tokens(alice) == 0 and api_answers(key) == 401
        assert alices_session.get(reverse("home"))["Location"].startswith(reverse("login"))
        assert not can_sign_in("alice", PASSWORD)
        entry = AuditEntry.objects.get(
            model="partners.membership",
            object_id=str(alice.membership.pk),
            action=AuditEntry.Action.UPDATE,
        )
        assert entry.actor == manager_a and entry.changes["is_active"] == [True, False]

    def test_no_one_withdraws_their_own_access(self, manager_a, officer):
        for user in (manager_a, officer):
            client = as_(user)
            page = client.get(deactivate_url(user))
            assert page.status_code == 200 and page.context["own"]
            assert "<form" not in page.content.decode().split("<main", 1)[-1].split("</main>")[0]
            response = client.post(deactivate_url(user))
            assert response.status_code == 400
            assert "votre propre accès" in response.content.decode()
            assert is_active(user)
        with pytest.raises(ValidationError):
            membership_deactivate(membership=manager_a.membership, acting_user=manager_a)

    @pytest.mark.parametrize(
        "who", ["other organisation's manager", "other organisation", "colleague", "donor"]
    )
    def test_others_get_404_on_every_member_route(
        self, who, alice, bob, charlie, manager_b, donor_user, manager_a
    ):
        user = {
            "other organisation's manager": manager_b,
            "other organisation": charlie,
            "colleague": bob,
            "donor": donor_user,
        }[who]
        client = as_(user)
        left = member(alice.membership.organisation, Role.CASEWORKER, username="left")
        membership_deactivate(membership=left.membership, acting_user=manager_a)
        for url in (deactivate_url(alice), reactivate_url(left)):
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
        assert is_active(alice) and not is_active(left)

    def test_anonymous_visitors_sign_in_first(self, alice):
        for url in (deactivate_url(alice), reactivate_url(alice)):
            response = Client().post(url)
            assert response["Location"].startswith(reverse("login"))
        assert is_active(alice)

    def test_a_membership_that_does_not_exist_is_404(self, manager_a):
        url = reverse("partners:member_deactivate", args=[999_999])
        assert as_(manager_a).post(url).status_code == 404

    def test_a_manager_restores_access(self, manager_a, alice):
        key = api_token(alice)
        client = as_(manager_a)
        client.post(deactivate_url(alice))
        assert client.get(reactivate_url(alice)).status_code == 405
        response = client.post(reactivate_url(alice), {"q": "ali"})
        assert response["Location"] == reverse("partners:members") + "?q=ali"
        assert is_active(alice) and can_sign_in("alice", PASSWORD)
        assert api_answers(key) == 401  # the old tokens stay revoked
        entry = AuditEntry.objects.filter(
            model="partners.membership", object_id=str(alice.membership.pk)
        ).first()
        assert entry.actor == manager_a and entry.changes["is_active"] == [False, True]

    def test_an_officer_withdraws_anyones_access_but_a_superusers(self, officer, charlie, iom):
        client = as_(officer)
        assert client.post(deactivate_url(charlie)).status_code == 302
        assert not is_active(charlie) and not can_sign_in("charlie", PASSWORD)
        page = client.get(deactivate_url(charlie)).content.decode()
        assert "déjà retiré" in page and reactivate_url(charlie) in page
        assert client.post(reactivate_url(charlie)).status_code == 302
        assert is_active(charlie) and can_sign_in("charlie", PASSWORD)
        root = member(iom, Role.IOM_OFFICER, username="root")
        User.objects.filter(pk=root.pk).update(is_superuser=True)
        assert client.post(deactivate_url(root)).status_code == 403
        assert is_active(root)

    def test_the_list_greys_withdrawn_members_with_a_restore_button(self, manager_a, alice, bob):
        membership_deactivate(membership=bob.membership, acting_user=manager_a)
        html = as_(manager_a).get(reverse("partners:members")).content.decode()
        assert 'class="inactive"' in html and html.count('class="inactive"') == 1
        assert reactivate_url(bob) in html and deactivate_url(bob) not in html
        assert deactivate_url(alice) in html and reactivate_url(alice) not in html
        assert deactivate_url(manager_a) not in html  # no action on one's own row
        assert INVITE in html

    def test_the_members_page_stays_a_few_queries(
        self, manager_a, partner_a, django_assert_max_num_queries
    ):
        for n in range(20):
            member(partner_a, Role.CASEWORKER, username=f"cw{n}")
        client = as_(manager_a)
        with django_assert_max_num_queries(15):
            assert client.get(reverse("partners:members")).status_code == 200

    def test_higher_apps_list_what_the_member_leaves_open(self, monkeypatch, manager_a, alice):
        def open_cases(membership, *, user):
            assert user == manager_a
            if membership.role != Role.CASEWORKER:
                return []
            return [hooks.OpenWork(label="3 dossiers ouverts", url="/cases/", action="Transférer")]

        monkeypatch.setattr(hooks, "_open_work", [])
        hooks.register_open_work(open_cases)
        page = as_(manager_a).get(deactivate_url(alice))
        html = page.content.decode()
        assert "3 dossiers ouverts" in html and 'href="/cases/"' in html and "Transférer" in html
