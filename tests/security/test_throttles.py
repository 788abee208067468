"""API throttles: the token endpoint per address, the duplicate check per user. A throttled
request is a JSON 429 in the API's error shape, with Retry-After."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from tests.partners.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"
DUPLICATES = "/api/v1/beneficiaries/duplicates/?first_name=Awa&last_name=Diallo&birth_year=1990"


@pytest.fixture
def rates(settings):
    """Small rates, so a test sends few requests (DRF reads the rates when a view is built)."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"token": "3/min", "duplicate_check": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    # The class attribute is bound at import: follow the setting for this test.
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield rates
    SimpleRateThrottle.THROTTLE_RATES = original


def assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"]
    assert int(response["Retry-After"]) == body["retry_after"]
    assert 0 < body["retry_after"] <= 60


def test_the_default_rates():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "token": "10/min",
        "duplicate_check": "30/min",
    }


def test_the_token_endpoint_is_throttled_per_address(rates, alice):
    client = APIClient()
    for _ in range(3):
        response = client.post(
            TOKEN,
            {"username": "alice", "password": PASSWORD},
            format="json",
            REMOTE_ADDR="10.1.1.1",
        )
        assert response.status_code == 200
    throttled = client.post(
        TOKEN, {"username": "alice", "password": PASSWORD}, format="json", REMOTE_ADDR="10.1.1.1"
    )
    assert_throttled(throttled)
    assert "token" not in throttled.json()
    # Another address is counted apart.
    other = client.post(
        TOKEN, {"username": "alice", "password": PASSWORD}, format="json", REMOTE_ADDR="10.1.1.2"
    )
    assert other.status_code == 200


def test_a_throttled_attempt_checks_no_password_and_counts_no_failure(rates, alice):
    client = APIClient()
    for _ in range(3):
        client.post(
            TOKEN, {"username": "x", "password": "y"}, format="json", REMOTE_ADDR="10.1.1.3"
        )
    assert AccessAttempt.objects.get(username="x").failures_since_start == 3
    assert_throttled(
        client.post(
            TOKEN, {"username": "x", "password": "y"}, format="json", REMOTE_ADDR="10.1.1.3"
        )
    )
    assert AccessAttempt.objects.get(username="x").failures_since_start == 3


def test_a_forged_forwarded_header_does_not_escape_the_token_throttle(rates, alice):
    client = APIClient()
    for number in range(3):
        client.post(
            TOKEN,
            {"username": "alice", "password": PASSWORD},
            format="json",
            REMOTE_ADDR="10.1.1.4",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    response = client.post(
        TOKEN,
        {"username": "alice", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.1.1.4",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert_throttled(response)


def test_the_duplicate_check_is_throttled_per_user(rates, client_for, alice, bob):
    alice_client = client_for(alice)
    for _ in range(2):
        assert alice_client.get(DUPLICATES).status_code == 200
    assert_throttled(alice_client.get(DUPLICATES))
    # bob, at the same address, has his own count.
    assert client_for(bob).get(DUPLICATES).status_code == 200


def test_the_throttle_answers_in_english_when_asked(rates, client_for, alice):
    client = client_for(alice)
    for _ in range(2):
        client.get(DUPLICATES)
    response = client.get(DUPLICATES, HTTP_ACCEPT_LANGUAGE="en")
    assert_throttled(response)
    assert "throttled" in response.json()["detail"].lower()


def test_the_list_of_people_is_not_throttled_by_the_duplicate_scope(rates, client_for, alice):
    client = client_for(alice)
    for _ in range(4):
        assert client.get("/api/v1/beneficiaries/").status_code == 200
