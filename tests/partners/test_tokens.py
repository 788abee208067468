"""API tokens: made by the token endpoint or the user's page, shown once and stored as a hash,
expiring, revocable by their user, and dead with the password or the access that made them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core import clock
from core.models import AuditEntry
from partners.models import ApiToken
from partners.services import (
    api_token_create,
    membership_update,
    organisation_update,
    user_upsert,
)
from partners.services.tokens import MAX_LIVE_TOKENS, hash_key
from tests.core.test_settings import _import_settings
from tests.partners.factories import PASSWORD, api_token, live_tokens

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def ask_token(username: str, password: str = PASSWORD, **extra):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password, **extra}, format="json"
    )


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def calls(key: str):
    return with_token(key).get("/api/v1/organisations/")


# --- The endpoint -----------------------------------------------------------------------------


class TestTheEndpoint:
    def test_a_new_named_token_with_its_expiry(self, alice, settings, frozen_clock):
        frozen_clock(START)
        settings.API_TOKEN_TTL_DAYS = 7
        response = ask_token("alice", name="Script de saisie")
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Script de saisie"
        assert body["expires_at"].startswith("2026-03-09T")
        token = ApiToken.objects.get(user=alice)
        assert token.expires_at == START + datetime.timedelta(days=7)
        assert calls(body["token"]).status_code == 200

    def test_each_call_makes_another_token_named_api_by_default(self, alice):
        first, second = ask_token("alice").json(), ask_token("alice").json()
        assert first["token"] != second["token"]
        assert first["name"] == second["name"] == "API"
        assert live_tokens(alice) == 2
        assert calls(first["token"]).status_code == calls(second["token"]).status_code == 200

    def test_the_key_is_never_stored_nor_audited(self, alice):
        key = ask_token("alice").json()["token"]
        token = ApiToken.objects.get(user=alice)
        stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get()]
        assert key not in stored
        assert token.key_hash == hash_key(key) and token.prefix == key[:8]
        entry = AuditEntry.objects.get(model="partners.apitoken", object_id=str(token.pk))
        assert entry.action == "create" and entry.actor == alice
        assert entry.changes["prefix"] == key[:8]
        assert key not in str(entry.changes) and token.key_hash not in str(entry.changes)

    def test_a_wrong_password_makes_no_token(self, alice):
        response = ask_token("alice", "wrong")
        assert response.status_code == 400
        assert "token" not in response.json()
        assert not ApiToken.objects.exists()

    def test_a_user_without_access_gets_no_token(self, alice):
        membership_update(membership=alice.membership, is_active=False)
        assert ask_token("alice").status_code == 400
        assert not ApiToken.objects.exists()

    def test_live_tokens_are_bounded(self, alice):
        for _ in range(MAX_LIVE_TOKENS):
            api_token(alice)
        response = ask_token("alice")
        assert response.status_code == 400
        assert "révoquez" in str(response.json())
        assert live_tokens(alice) == MAX_LIVE_TOKENS

    def test_no_one_makes_a_token_for_someone_else(self, alice, officer):
        with pytest.raises(Exception, match="pour soi-même"):
            api_token_create(user=alice, acting_user=officer)


# --- Using a token ----------------------------------------------------------------------------


class TestUsingAToken:
    def test_an_unknown_key_is_refused(self, alice):
        api_token(alice)
        response = calls("not-a-key")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"] == "Jeton invalide."

    def test_it_expires(self, alice, settings, frozen_clock):
        settings.API_TOKEN_TTL_DAYS = 30
        frozen_clock(START)
        key = api_token(alice)
        frozen_clock(START + datetime.timedelta(days=30) - datetime.timedelta(seconds=1))
        assert calls(key).status_code == 200
        frozen_clock(START + datetime.timedelta(days=30))
        response = calls(key)
        assert response.status_code == 401
        assert "expiré" in response.json()["detail"]

    def test_last_use_is_written_at_most_once_a_minute(self, alice, frozen_clock):
        frozen_clock(START)
        key = api_token(alice)
        token = ApiToken.objects.get(user=alice)
        assert token.last_used_at is None
        calls(key)
        token.refresh_from_db()
        assert token.last_used_at == START
        frozen_clock(START + datetime.timedelta(seconds=59))
        calls(key)
        token.refresh_from_db()
        assert token.last_used_at == START
        frozen_clock(START + datetime.timedelta(seconds=61))
        calls(key)
        token.refresh_from_db()
        assert token.last_used_at == START + datetime.timedelta(seconds=61)

    def test_a_user_whose_access_ended_is_refused(self, alice):
        key = api_token(alice)
        alice.is_active = False
        alice.save(update_fields=["is_active"])
        response = calls(key)
        assert response.status_code == 401


# --- Tokens die -------------------------------------------------------------------------------


class TestTokensDie:
    def test_when_the_membership_is_deactivated(self, alice, bob, officer):
        key, kept = api_token(alice), api_token(bob)
        membership_update(membership=alice.membership, is_active=False, acting_user=officer)
        assert live_tokens(alice) == 0
        assert calls(key).status_code == 401
        assert calls(kept).status_code == 200
        # Restored, the membership brings no old token back.
        membership_update(membership=alice.membership, is_active=True, acting_user=officer)
        assert calls(key).status_code == 401
        revoked = AuditEntry.objects.filter(model="partners.apitoken", action="update").get()
        assert revoked.changes["reason"] == "access_ended" and revoked.actor == officer

    def test_when_the_user_moves_to_another_organisation(self, alice, partner_b):
        key = api_token(alice)
        membership_update(membership=alice.membership, organisation=partner_b)
        assert calls(key).status_code == 401

    def test_when_the_organisation_is_deactivated(self, alice, charlie, partner_a, officer):
        key, kept = api_token(alice), api_token(charlie)
        organisation_update(organisation=partner_a, is_active=False, acting_user=officer)
        assert calls(key).status_code == 401
        assert calls(kept).status_code == 200

    def test_when_the_operations_command_sets_a_new_password(self, alice, partner_a):
        key = api_token(alice)
        user_upsert(
            username="alice", organisation=partner_a, role="caseworker", password="n3w-Pass-2026!"
        )
        assert calls(key).status_code == 401

    def test_not_when_the_operations_command_runs_again_with_the_same_one(self, alice, partner_a):
        key = api_token(alice)
        user_upsert(username="alice", organisation=partner_a, role="caseworker", password=PASSWORD)
        assert calls(key).status_code == 200

    def test_when_revoked_with_a_clear_message(self, client, alice):
        key = api_token(alice)
        client.force_login(alice)
        token = ApiToken.objects.get(user=alice)
        client.post(reverse("partners:token_revoke", args=[token.pk]))
        response = calls(key)
        assert response.status_code == 401
        assert "révoqué" in response.json()["detail"]


# --- The user's page --------------------------------------------------------------------------


class TestTheUsersPage:
    def test_it_shows_who_they_are_and_their_live_tokens_only(self, client, alice, bob):
        api_token(alice, name="Tablette Oujda")
        tablet = ApiToken.objects.get(name="Tablette Oujda")
        api_token(alice, name="Ancien script")
        old = ApiToken.objects.get(name="Ancien script")
        old.revoked_at = clock.now()
        old.save(update_fields=["revoked_at"])
        api_token(bob, name="Jeton de Bob")
        client.force_login(alice)
        page = client.get(reverse("partners:account"))
        html = page.content.decode()
        assert page.status_code == 200
        assert "Partenaire A" in html and "Travailleur·se social·e" in html
        assert "Tablette Oujda" in html and tablet.prefix in html
        assert "Ancien script" not in html and "Jeton de Bob" not in html
        assert reverse("partners:password_change") in html
        assert 'href="/account/second-factor/"' in html  # the second factor's entry point
        assert page["Cache-Control"].startswith("max-age=0")

    def test_it_is_linked_from_the_navigation(self, client, donor_user):
        client.force_login(donor_user)
        assert reverse("partners:account") in client.get(reverse("home")).content.decode()

    def test_a_token_made_there_is_shown_once(self, client, alice):
        client.force_login(alice)
        response = client.post(reverse("partners:token_create"), {"name": "Tablette"})
        assert response.status_code == 200
        key = response.context["new_key"]
        assert key in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert calls(key).status_code == 200
        assert key not in client.get(reverse("partners:account")).content.decode()

    def test_revoking_all(self, client, alice, bob):
        keys = [api_token(alice), api_token(alice)]
        kept = api_token(bob)
        client.force_login(alice)
        response = client.post(reverse("partners:token_revoke_all"))
        assert response.status_code == 302
        assert [calls(key).status_code for key in keys] == [401, 401]
        assert calls(kept).status_code == 200


# --- Every state-changing endpoint, as everyone -----------------------------------------------


@pytest.mark.parametrize("who", ["owner", "other organisation", "donor", "anonymous"])
def test_revoking_a_token_is_for_its_owner_only(client, who, alice, charlie, donor_user):
    key = api_token(alice)
    token = ApiToken.objects.get(user=alice)
    user = {"owner": alice, "other organisation": charlie, "donor": donor_user}.get(who)
    if user:
        client.force_login(user)
    response = client.post(reverse("partners:token_revoke", args=[token.pk]))
    if who == "owner":
        assert response.status_code == 302 and calls(key).status_code == 401
    elif who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
        assert calls(key).status_code == 200
    else:
        assert response.status_code == 404  # as for a token that does not exist
        assert calls(key).status_code == 200


@pytest.mark.parametrize("who", ["owner", "other organisation", "donor", "anonymous"])
def test_revoking_all_touches_only_ones_own(client, who, alice, charlie, donor_user):
    key = api_token(alice)
    user = {"owner": alice, "other organisation": charlie, "donor": donor_user}.get(who)
    if user:
        client.force_login(user)
    response = client.post(reverse("partners:token_revoke_all"))
    assert response.status_code == 302
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert calls(key).status_code == (401 if who == "owner" else 200)


@pytest.mark.parametrize("who", ["caseworker", "other organisation", "donor", "anonymous"])
def test_making_a_token_on_the_page_makes_it_for_oneself(client, who, alice, charlie, donor_user):
    user = {"caseworker": alice, "other organisation": charlie, "donor": donor_user}.get(who)
    if user:
        client.force_login(user)
    response = client.post(reverse("partners:token_create"), {"name": "x"})
    if user is None:
        assert response["Location"].startswith(reverse("login"))
        assert not ApiToken.objects.exists()
    else:
        assert response.status_code == 200
        assert ApiToken.objects.get().user == user


def test_the_page_refuses_get_on_its_actions(client, alice):
    client.force_login(alice)
    assert client.get(reverse("partners:token_create")).status_code == 405
    assert client.get(reverse("partners:token_revoke_all")).status_code == 405


# --- The setting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,message",
    [
        ("0", "API_TOKEN_TTL_DAYS must be at least 1"),
        ("400", "API_TOKEN_TTL_DAYS must be at most 366"),
        ("a month", "API_TOKEN_TTL_DAYS must be an integer"),
    ],
)
def test_the_lifetime_setting_fails_loudly(value, message):
    result = _import_settings(
        SECRET_KEY="x" * 40, ALLOWED_HOSTS="cases.example.org", API_TOKEN_TTL_DAYS=value
    )
    assert result.returncode != 0
    assert message in result.stderr
