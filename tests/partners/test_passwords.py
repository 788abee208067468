"""Passwords: a user changes their own; a forgotten one is reset by e-mail when a mail server
is configured, else by a manager (their organisation's members) or an IOM officer (anyone),
and the user must then change it before anything else. Every change ends the user's API
tokens and their other sessions, and is audited without the password."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry
from partners.choices import Role
from partners.models import Membership
from partners.services import password_reset_by_staff
from tests.partners.factories import PASSWORD, api_token, live_tokens, member, sign_in_request

pytestmark = pytest.mark.django_db

NEW = "Tres-Nouveau-2026"


def signed_in(user) -> Client:
    client = Client()
    assert client.login(request=sign_in_request(), username=user.username, password=PASSWORD)
    return client


def can_sign_in(user, password) -> bool:
    return Client().login(request=sign_in_request(), username=user.username, password=password)


def reset_url(user) -> str:
    return reverse("partners:member_password_reset", args=[user.membership.pk])


def calls(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/organisations/")


def change(client, old=PASSWORD, new=NEW):
    return client.post(
        reverse("partners:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


# --- Changing one's own -----------------------------------------------------------------------


class TestChangingOnesOwn:
    def test_it_keeps_this_session_and_ends_the_others_and_the_tokens(self, alice):
        here, elsewhere = signed_in(alice), signed_in(alice)
        key = api_token(alice)
        response = change(here)
        assert response.status_code == 302 and response["Location"] == reverse("partners:account")
        assert here.get(reverse("beneficiaries:list")).status_code == 200
        assert elsewhere.get(reverse("beneficiaries:list"))["Location"].startswith(reverse("login"))
        assert live_tokens(alice) == 0 and calls(key).status_code == 401
        assert can_sign_in(alice, NEW) and not can_sign_in(alice, PASSWORD)

    def test_it_is_audited_without_the_password(self, alice):
        change(signed_in(alice))
        entry = AuditEntry.objects.get(model="auth.user", object_id=str(alice.pk))
        assert entry.actor == alice and entry.changes == {"password": "password_changed"}
        alice.refresh_from_db()
        assert NEW not in str(entry.changes) and alice.password not in str(entry.changes)

    def test_the_current_password_and_the_validators_are_asked(self, alice):
        client = signed_in(alice)
        assert change(client, old="wrong").status_code == 200
        response = change(client, new="123")
        assert response.status_code == 200 and response.context["form"].errors
        assert can_sign_in(alice, PASSWORD)

    def test_the_page_is_in_french_and_reached_from_the_users_page(self, alice):
        client = signed_in(alice)
        assert reverse("partners:password_change") in client.get(
            reverse("partners:account")
        ).content.decode("utf-8")
        html = client.get(reverse("partners:password_change")).content.decode()
        assert "Changer mon mot de passe" in html and "Mot de passe actuel" in html

    def test_anonymous_visitors_sign_in_first(self, client):
        response = client.post(reverse("partners:password_change"), {})
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["other organisation", "donor"])
def test_a_change_touches_only_the_changers_own_password(who, alice, charlie, donor_user):
    user = {"other organisation": charlie, "donor": donor_user}[who]
    alices_key, own_key = api_token(alice), api_token(user)
    response = change(signed_in(user))
    assert response.status_code == 302
    assert can_sign_in(user, NEW) and can_sign_in(alice, PASSWORD)
    assert calls(alices_key).status_code == 200 and calls(own_key).status_code == 401


# --- Reset by a manager or an officer ---------------------------------------------------------


def reset_by(user, target, **data):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.post(reset_url(target), data)


class TestResetByStaff:
    def test_a_manager_resets_a_member_of_their_organisation(self, manager_a, alice):
        elsewhere = signed_in(alice)
        api_token(alice)
        response = reset_by(manager_a, alice)
        assert response.status_code == 200
        password = response.context["password"]
        assert password in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert can_sign_in(alice, password) and not can_sign_in(alice, PASSWORD)
        assert live_tokens(alice) == 0
        assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))
        assert Membership.objects.get(user=alice).must_change_password
        entry = AuditEntry.objects.get(model="auth.user", object_id=str(alice.pk))
        assert entry.actor == manager_a and password not in str(entry.changes)

    def test_the_reset_lifts_a_lock_on_the_username(self, manager_a, alice):
        locked = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            locked.post(reverse("login"), {"username": "alice", "password": "forgotten"})
        assert not can_sign_in(alice, PASSWORD)  # locked: even the right password is refused
        password = reset_by(manager_a, alice).context["password"]
        assert can_sign_in(alice, password)
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.UNLOCK, object_id=str(alice.pk)
        ).exists()

    def test_a_typed_password_must_pass_the_validators(self, manager_a, alice):
        refused = reset_by(manager_a, alice, password1="123", password2="123")
        assert refused.status_code == 400
        assert can_sign_in(alice, PASSWORD)
        mismatch = reset_by(manager_a, alice, password1=NEW, password2=NEW + "x")
        assert mismatch.status_code == 400
        response = reset_by(manager_a, alice, password1=NEW, password2=NEW)
        assert response.status_code == 200 and response.context["password"] == NEW
        assert can_sign_in(alice, NEW)

    @pytest.mark.parametrize(
        "who", ["other organisation's manager", "other organisation", "caseworker", "donor"]
    )
    def test_others_are_answered_404(self, who, alice, bob, charlie, partner_b, donor_user):
        user = {
            "other organisation's manager": member(partner_b, Role.PARTNER_MANAGER),
            "other organisation": charlie,
            "caseworker": bob,
            "donor": donor_user,
        }[who]
        assert reset_by(user, alice).status_code == 404
        client = Client()
        client.force_login(user)
        assert client.get(reset_url(alice)).status_code == 404
        assert can_sign_in(alice, PASSWORD)

    def test_anonymous_visitors_sign_in_first(self, alice):
        response = reset_by(None, alice)
        assert response["Location"].startswith(reverse("login"))
        assert can_sign_in(alice, PASSWORD)

    def test_an_officer_resets_anyone(self, officer, charlie, donor_user):
        for user in (charlie, donor_user):
            response = reset_by(officer, user)
            assert response.status_code == 200
            assert can_sign_in(user, response.context["password"])

    def test_no_one_resets_their_own_here(self, manager_a):
        response = reset_by(manager_a, manager_a)
        assert response.status_code == 400
        assert can_sign_in(manager_a, PASSWORD)

    def test_only_a_superuser_resets_a_superuser(self, officer, iom):
        root = member(iom, Role.IOM_OFFICER, username="root")
        get_user_model().objects.filter(pk=root.pk).update(is_superuser=True)
        assert reset_by(officer, root).status_code == 403
        assert can_sign_in(root, PASSWORD)

    def test_the_members_page_lists_whom_one_may_reset(self, manager_a, alice, charlie, officer):
        client = Client()
        client.force_login(manager_a)
        html = client.get(reverse("partners:members")).content.decode()
        assert reset_url(alice) in html and reset_url(charlie) not in html
        assert (
            reverse("partners:members") in client.get(reverse("partners:account")).content.decode()
        )
        client.force_login(officer)
        html = client.get(reverse("partners:members"), {"q": "charl"}).content.decode()
        assert reset_url(charlie) in html and reset_url(alice) not in html

    @pytest.mark.parametrize("who", ["caseworker", "donor"])
    def test_the_members_page_is_not_for_others(self, who, alice, donor_user):
        client = Client()
        client.force_login({"caseworker": alice, "donor": donor_user}[who])
        assert client.get(reverse("partners:members")).status_code == 404
        assert (
            reverse("partners:members")
            not in client.get(reverse("partners:account")).content.decode()
        )


# --- The change that follows a reset ----------------------------------------------------------


class TestForcedChange:
    @pytest.fixture
    def temporary(self, manager_a, alice):
        return password_reset_by_staff(membership=alice.membership, acting_user=manager_a)

    def test_every_page_leads_to_the_change_page_until_it_is_done(self, alice, temporary):
        client = Client()
        assert client.login(request=sign_in_request(), username="alice", password=temporary)
        for url in (reverse("home"), reverse("beneficiaries:list"), reverse("partners:account")):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == reverse("partners:password_change")
        page = client.get(reverse("partners:password_change"))
        assert page.status_code == 200
        assert "réinitialisé" in page.content.decode()
        api = client.get("/api/v1/organisations/")
        assert api.status_code == 403 and "mot de passe" in api.json()["detail"]

        change(client, old=temporary)

        assert client.get(reverse("beneficiaries:list")).status_code == 200
        assert not Membership.objects.get(user=alice).must_change_password

    def test_no_token_is_made_with_the_temporary_password(self, alice, temporary):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "alice", "password": temporary}, format="json"
        )
        assert response.status_code == 400
        assert "changez-le" in str(response.json())
        assert live_tokens(alice) == 0

    def test_sign_out_stays_open(self, alice, temporary):
        client = Client()
        assert client.login(request=sign_in_request(), username="alice", password=temporary)
        response = client.post(reverse("logout"))
        assert response["Location"] == reverse("login")


# --- A forgotten password, by e-mail ----------------------------------------------------------


MAIL = {"EMAIL_HOST": "smtp.example.org"}


class TestResetByEmail:
    def test_without_a_mail_server_the_sign_in_page_says_ask_your_manager(self, client):
        html = client.get(reverse("login")).content.decode()
        assert "Demandez à votre responsable" in html
        assert reverse("partners:password_reset") not in html
        assert client.get(reverse("partners:password_reset")).status_code == 404

    def test_with_one_the_link_is_mailed_and_sets_a_new_password(self, client, settings, alice):
        settings.EMAIL_HOST = MAIL["EMAIL_HOST"]
        alice.email = "alice@example.org"
        alice.save(update_fields=["email"])
        key = api_token(alice)
        html = client.get(reverse("login")).content.decode()
        assert reverse("partners:password_reset") in html and "Mot de passe oublié" in html

        response = client.post(reverse("partners:password_reset"), {"email": "alice@example.org"})
        assert response["Location"] == reverse("partners:password_reset_done")
        (message,) = mail.outbox
        assert message.to == ["alice@example.org"] and "mot de passe" in message.subject
        link = re.search(r"http://testserver(/\S+)", message.body).group(1)

        form = client.get(link, follow=True)
        assert form.status_code == 200 and form.context["validlink"]
        done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
        assert done["Location"] == reverse("partners:password_reset_complete")
        assert can_sign_in(alice, NEW) and not can_sign_in(alice, PASSWORD)
        assert live_tokens(alice) == 0 and calls(key).status_code == 401
        # The link served once.
        assert not client.get(link, follow=True).context["validlink"]

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, client, settings, alice):
        settings.EMAIL_HOST = MAIL["EMAIL_HOST"]
        response = client.post(reverse("partners:password_reset"), {"email": "nobody@example.org"})
        assert response["Location"] == reverse("partners:password_reset_done")
        assert mail.outbox == []
        assert "Si un compte correspond" in client.get(response["Location"]).content.decode()


def test_a_password_set_on_the_admin_form_revokes_the_tokens_and_is_audited(client, officer, alice):
    """Django's own user admin (superusers) follows the project's password rule."""
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    api_token(alice)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert can_sign_in(alice, NEW)
    assert live_tokens(alice) == 0
    assert AuditEntry.objects.filter(
        model="auth.user", object_id=str(alice.pk), actor=officer, changes__has_key="password"
    ).exists()
