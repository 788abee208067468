"""Sign-in lockout (django-axes, core.lockout): LOGIN_FAILURE_LIMIT failures on the sign-in
form or the token endpoint lock the username and the address for LOGIN_COOLOFF_MINUTES; the
right password is refused meanwhile; the cool-down ends the lock."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.partners.factories import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def form_sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def token_sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def fail_until_locked(sign_in, client, username, address="10.0.0.1"):
    """Fail LOGIN_FAILURE_LIMIT times; the last answer is the lockout."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, username, "wrong-password", address)
        assert response.status_code in (200, 400), response.status_code
    return sign_in(client, username, "wrong-password", address)


def age_attempts(minutes: int) -> None:
    """Move every recorded failure `minutes` into the past (axes reads the real clock)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_the_defaults_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)


# --- The sign-in form ---------------------------------------------------------------------


def test_a_wrong_password_on_the_form_is_an_ordinary_refusal_below_the_limit(alice):
    response = form_sign_in(Client(), "alice", "wrong-password")
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 1


def test_the_form_locks_after_the_limit_with_a_french_page_and_retry_after(alice):
    client = Client()
    response = fail_until_locked(form_sign_in, client, "alice")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de tentatives de connexion" in page
    assert "Réessayez dans 15 minutes" in page
    assert "demandez à un responsable de débloquer votre compte" in page
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_the_right_password_is_refused_while_locked(alice):
    client = Client()
    fail_until_locked(form_sign_in, client, "alice")
    response = form_sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("beneficiaries:list")).status_code == 302  # still signed out


def test_the_locked_username_is_refused_from_any_address(alice):
    fail_until_locked(form_sign_in, Client(), "alice", address="10.0.0.1")
    response = form_sign_in(Client(), "alice", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429


def test_the_locked_address_is_refused_for_any_username(alice, bob):
    # Five different usernames from one address: no username reaches the limit, the address does.
    client = Client()
    for name in ("a1", "a2", "a3", "a4"):
        assert form_sign_in(client, name, "x").status_code == 200
    assert form_sign_in(client, "a5", "x").status_code == 429
    assert form_sign_in(client, "bob", PASSWORD).status_code == 429
    # bob from elsewhere is not concerned
    other = Client()
    assert form_sign_in(other, "bob", PASSWORD, address="10.0.0.2").status_code == 302


def test_retrying_while_locked_does_not_restart_the_cool_down(alice):
    client = Client()
    fail_until_locked(form_sign_in, client, "alice")
    age_attempts(minutes=10)
    response = form_sign_in(client, "alice", "wrong-again")
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 5 * 60
    assert "Réessayez dans 5 minutes" in response.content.decode()


def test_after_the_cool_down_the_right_password_works_again(alice):
    client = Client()
    fail_until_locked(form_sign_in, client, "alice")
    age_attempts(minutes=14)
    assert form_sign_in(client, "alice", PASSWORD).status_code == 429
    age_attempts(minutes=2)  # 16 minutes since the last failure
    response = form_sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_successful_sign_in_forgets_the_users_own_typos(alice):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        form_sign_in(client, "alice", "typo")
    assert form_sign_in(client, "alice", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    client.logout()
    # a new typo starts again from one
    assert form_sign_in(client, "alice", "typo").status_code == 200


def test_signing_in_as_oneself_does_not_wipe_failures_on_a_colleagues_account(alice, bob):
    """axes' own handler would forget every failure from the address: an insider could try
    four passwords on bob, sign in as alice, and start again."""
    insider = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        form_sign_in(insider, "bob", "guess")
    assert form_sign_in(insider, "alice", PASSWORD).status_code == 302
    insider.logout()
    assert form_sign_in(Client(), "bob", "guess", address="10.7.7.7").status_code == 429


def test_the_lockout_page_is_in_the_requests_language(alice):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    response = fail_until_locked(form_sign_in, client, "alice")
    assert response.status_code == 429
    assert 'lang="fr"' in response.content.decode()


def test_client_login_in_tests_goes_through_the_lockout(alice):
    """Django's test `client.login()` is refused while locked like the form, given a request."""
    from django.http import HttpRequest

    fail_until_locked(form_sign_in, Client(), "alice")
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "10.0.0.3"
    assert not Client().login(request=request, username="alice", password=PASSWORD)


# --- The token endpoint -------------------------------------------------------------------


def test_the_token_endpoint_locks_after_the_limit_with_a_json_429(alice):
    client = APIClient()
    response = fail_until_locked(token_sign_in, client, "alice")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert "Réessayez dans 15 minutes" in body["detail"]
    assert body["retry_after"] == int(response["Retry-After"])
    assert 14 * 60 < body["retry_after"] <= 15 * 60


def test_the_token_endpoint_refuses_the_right_password_while_locked(alice):
    client = APIClient()
    fail_until_locked(token_sign_in, client, "alice")
    response = token_sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.json()


def test_failures_on_the_form_and_on_the_api_add_up(alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        form_sign_in(Client(), "alice", "wrong")
    assert token_sign_in(APIClient(), "alice", "wrong").status_code == 429
    assert form_sign_in(Client(), "alice", PASSWORD, address="10.0.0.8").status_code == 429


def test_the_token_endpoint_works_again_after_the_cool_down(alice):
    client = APIClient()
    fail_until_locked(token_sign_in, client, "alice")
    age_attempts(minutes=16)
    response = token_sign_in(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_token_lockout_is_in_english_when_asked(alice):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = fail_until_locked(token_sign_in, client, "alice")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's word, ignored
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # one proxy: what it appended
        (1, "not-an-address", "10.0.0.1"),
        (2, "6.6.6.6, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
    ],
)
def test_the_client_address_follows_the_trusted_proxy_count(
    settings, rf, count, forwarded, expected
):
    from core.lockout import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_admin_sign_in_is_locked_too(officer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("admin:login"),
            {"username": "officer", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR="10.0.0.9",
        )
    assert response.status_code == 429
    response = client.post(
        reverse("admin:login"),
        {"username": "officer", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.10",
    )
    assert response.status_code == 429


def test_rates_from_the_environment_fail_loudly_when_malformed(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from iom_cases import env

    monkeypatch.setenv("RATE", "20/minute")
    assert env.get_rate("RATE", "10/min") == "20/minute"
    monkeypatch.setenv("RATE", "lots")
    with pytest.raises(ImproperlyConfigured, match="RATE must be a rate"):
        env.get_rate("RATE", "10/min")
    monkeypatch.setenv("RATE", "0/min")
    with pytest.raises(ImproperlyConfigured):
        env.get_rate("RATE", "10/min")


def test_the_attempt_times_are_indexed(db):
    """Every sign-in deletes the attempts older than the cool-down: without this index the
    delete scans the whole table (benchmarks/lockout_bench.py)."""
    from django.db import connection

    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "axes_accessattempt")
    assert any(spec["index"] and spec["columns"] == ["attempt_time"] for spec in indexes.values())


def test_a_failed_password_is_not_kept_in_the_attempts(alice):
    form_sign_in(Client(), "alice", "my-Secret-guess-1")
    token_sign_in(APIClient(), "alice", "my-Secret-guess-2")
    for attempt in AccessAttempt.objects.all():
        assert "my-Secret-guess" not in attempt.post_data + attempt.get_data


def test_a_token_obtained_forgets_the_programs_own_typos(alice):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_sign_in(client, "alice", "typo").status_code == 400
    assert token_sign_in(client, "alice", PASSWORD).status_code == 200
    assert token_sign_in(client, "alice", "typo").status_code == 400  # one failure, not five
