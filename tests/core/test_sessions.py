"""Sessions end after 30 minutes without a request and 12 hours after sign-in
(core.middleware.SessionTimeoutMiddleware). Time passes by moving the session's stored
timestamps into the past, as the minutes would."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages

from core.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from tests.beneficiaries.factories import BeneficiaryFactory

ROOT = Path(__file__).resolve().parents[2]


def age_session(client, *, minutes: float, since_sign_in: float | None = None) -> None:
    """`minutes` pass without a request (and `since_sign_in` more since signing in)."""
    session = client.session
    session[LAST_ACTIVITY] -= int(minutes * 60)
    session[SIGNED_IN_AT] -= int((minutes + (since_sign_in or 0)) * 60)
    session.save()


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(organisation=partner_a)


@pytest.fixture
def signed_in(client, alice):
    """alice signed in; `signed_in(idle_minutes, url)` lets that long pass, then opens `url`."""
    client.force_login(alice)
    started = False

    def after(minutes: float, url: str, **kwargs):
        nonlocal started
        if started and minutes:
            age_session(client, minutes=minutes)
        started = True
        return client.get(url, **kwargs)

    return after


def test_defaults_are_thirty_minutes_and_twelve_hours(settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_MAX_AGE_SECONDS == 12 * 3600
    assert settings.SESSION_ACTIVITY_REFRESH_SECONDS == 60
    # The store keeps a session a little longer than the middleware: it decides, with a message.
    assert settings.SESSION_COOKIE_AGE == 31 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_activity_keeps_the_session_and_idleness_ends_it(client, signed_in, person):
    page = f"/beneficiaires/{person.pk}/"
    assert signed_in(0, page).status_code == 200
    assert signed_in(29, page).status_code == 200  # 29 minutes idle: still in
    assert signed_in(29, page).status_code == 200  # 29 more since the last request
    response = signed_in(30.5, page)  # 30.5 minutes idle: out
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page}"
    assert SESSION_KEY not in client.session
    follow = client.get(response["Location"])
    assert "Votre session a expiré après 30 minutes d&#x27;inactivité" in follow.text
    # Signed out for good: the next page asks again.
    assert client.get(page).status_code == 302


def test_last_activity_is_written_at_most_once_a_minute(client, signed_in, person):
    page = f"/beneficiaires/{person.pk}/"
    before = int(time.time())
    signed_in(0, page)
    stamped = client.session[LAST_ACTIVITY]
    assert before <= stamped <= int(time.time())
    assert client.session[SIGNED_IN_AT] == stamped
    signed_in(0.5, page)  # 30 s later: not rewritten (the session row is not saved)
    assert client.session[LAST_ACTIVITY] == stamped - 30
    before = int(time.time())
    signed_in(0.55, page)  # 63 s since it was written: rewritten
    assert client.session[LAST_ACTIVITY] >= before


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, signed_in, person):
    page = f"/beneficiaires/{person.pk}/"
    assert signed_in(0, page).status_code == 200
    for _visit in range(35):  # a request every 20 minutes, 11 h 40 min in all
        assert signed_in(20, page).status_code == 200
    assert signed_in(19, page).status_code == 200  # 11 h 59 min after sign-in
    response = signed_in(2, page)  # 12 h 1 min
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == ["Votre session a atteint sa durée maximale : reconnectez-vous."]


def test_an_htmx_request_after_expiry_sends_the_browser_to_sign_in(client, signed_in, person):
    signed_in(0, "/beneficiaires/")
    response = signed_in(
        31,
        "/beneficiaires/?q=ab",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/beneficiaires/?q=a",
        },
    )
    # Not the sign-in page swapped into the results: htmx sends the whole page there, and
    # after signing in the user comes back to the page they were on.
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fbeneficiaires%2F%3Fq%3Da"
    assert "Location" not in response
    assert b"id_password" not in response.content


def test_an_htmx_request_without_any_session_goes_to_sign_in_too(client, db):
    """A session the store already dropped (or none at all): the page's login_required would
    redirect, and htmx would follow it into the fragment."""
    response = client.get(
        "/beneficiaires/",
        headers={"HX-Request": "true", "HX-Current-URL": "https://elsewhere.example/x"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/"  # another site's page is no `next`
    assert b"id_password" not in response.content


def test_an_ordinary_redirect_of_an_htmx_request_is_left_alone(client, signed_in, person):
    """Only the way to the sign-in page is turned into HX-Redirect."""
    response = signed_in(0, "/favicon.ico", headers={"HX-Request": "true"})
    assert response.status_code == 302
    assert "HX-Redirect" not in response


def test_the_api_on_an_expired_session_answers_json_not_a_page(client, signed_in):
    assert signed_in(0, "/api/v1/beneficiaries/").status_code == 200
    response = signed_in(31, "/api/v1/beneficiaries/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_the_idle_limit_follows_the_setting(client, signed_in, person, settings):
    settings.SESSION_IDLE_SECONDS = 10 * 60
    page = f"/beneficiaires/{person.pk}/"
    assert signed_in(0, page).status_code == 200
    assert signed_in(9, page).status_code == 200
    assert signed_in(10.5, page).status_code == 302


def test_the_business_clock_does_not_age_a_session(client, signed_in, person, frozen_clock):
    """Tests (and nothing else) move core.clock across years: the session ignores it."""
    page = f"/beneficiaires/{person.pk}/"
    frozen_clock(datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC))
    assert signed_in(0, page).status_code == 200
    frozen_clock(datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC))
    assert signed_in(0, page).status_code == 200


def _import_settings(**environ):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    clean.update(
        environ,
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="a",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        DJANGO_SETTINGS_MODULE="iom_cases.settings",
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "environ,message",
    [
        ({"SESSION_IDLE_MINUTES": "0"}, "SESSION_IDLE_MINUTES must be at least 1"),
        ({"SESSION_IDLE_MINUTES": "half an hour"}, "SESSION_IDLE_MINUTES must be an integer"),
        ({"SESSION_MAX_HOURS": "0"}, "SESSION_MAX_HOURS must be at least 1"),
        (
            {"SESSION_IDLE_MINUTES": "120", "SESSION_MAX_HOURS": "1"},
            "SESSION_MAX_HOURS must be at least SESSION_IDLE_MINUTES",
        ),
    ],
)
def test_bad_session_settings_fail_at_start(environ, message):
    result = _import_settings(**environ)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_session_settings_start():
    result = _import_settings(SESSION_IDLE_MINUTES="15", SESSION_MAX_HOURS="8")
    assert result.returncode == 0, result.stderr
