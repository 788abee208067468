"""The second factor is enforced: who needs one (the rule), a sign-in by password alone
reaching nothing but the enrolment and verification pages (pages, admin and session API),
verification by the authenticator app or a backup code (used up), wrong codes refused and
slowed down, enrolment end to end, and the token endpoint asking the code.

These tests sign in with the password only (`client.login()` or a POST to the sign-in
page): `force_login` would give the second factor (tests/conftest.py).
"""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from core.models import AuditEntry
from partners import second_factor
from partners.access import SYSTEM
from partners.choices import Role
from partners.services import organisation_update, user_upsert
from partners.services import second_factor as services
from tests.partners.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    member,
    sign_in_request,
)

VERIFY = reverse("partners:second_factor_verify")
ENROL = reverse("partners:second_factor_enrol")
TOKEN = "/api/v1/auth/token/"

# A sample of what a signed-in user may open: pages of every app, the admin, the session API.
PAGES = [
    reverse("home"),
    reverse("beneficiaries:list"),
    reverse("assistance:list"),
    reverse("assistance:referral_list"),
    reverse("imports:upload"),
    reverse("reporting:dashboard"),
    reverse("bilans:list"),
    reverse("partners:second_factor"),
    reverse("partners:members"),
    reverse("partners:security"),
    reverse("admin:index"),
    "/admin/partners/organisation/",
]
SESSION_API = ["/api/v1/beneficiaries/", "/api/v1/organisations/", "/api/v1/schema/"]


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def app_of(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    second_factor.forget(user)
    return device


def password_only(user) -> Client:
    """Signed in through the sign-in page with the password: the first step only."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return client


def assert_reaches_nothing(client: Client, expected_page: str) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        location = response["Location"]
        assert location.startswith(expected_page), (url, location)
        assert f"next={url.replace('/', '%2F')}" in location, (url, location)
    # A form posted elsewhere is refused the same way (sent to the second factor).
    response = client.post(reverse("beneficiaries:create"), {})
    assert response.status_code == 302 and response["Location"].startswith(expected_page)
    # htmx requests are told where to go, not given the page inside a fragment.
    response = client.get(reverse("beneficiaries:list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(expected_page)
    for url in SESSION_API:
        response = client.get(url)
        assert response.status_code == 403, url
        body = response.json()
        assert body["code"] == "second_factor_required"
        assert "second facteur" in body["detail"]
    # What stays open: the second factor's own page, sign-out, language, static, health.
    assert client.get(expected_page).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/app.css").status_code in (200, 404)  # never a redirect
    response = client.post(reverse("set_language"), {"language": "en", "next": expected_page})
    assert response.status_code == 302 and response["Location"] == expected_page


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return user


@pytest.fixture
def strict_partner(db):
    return OrganisationFactory(
        slug="strict", name="Partenaire exigeant", requires_second_factor=True
    )


# --- The rule ----------------------------------------------------------------------------------


def test_who_needs_a_second_factor(
    alice, manager_a, officer, donor_user, superuser, strict_partner, partner_a
):
    strict_caseworker = member(strict_partner, Role.CASEWORKER, username="sara")
    staff = member(partner_a, Role.CASEWORKER, username="staffer", is_staff=True)
    required = {
        u.username: second_factor.second_factor_required(u)
        for u in (alice, manager_a, officer, donor_user, superuser, strict_caseworker, staff)
    }
    assert required == {
        "alice": False,
        "manager-a": True,
        "officer": True,
        "donor-user": False,
        "root": True,
        "sara": True,
        "staffer": True,
    }
    assert not second_factor.second_factor_required(get_user_model()(username="nobody"))


def test_an_organisation_that_starts_requiring_it_stops_its_caseworkers_at_once(
    client, alice, partner_a
):
    client.login(request=sign_in_request(), username="alice", password=PASSWORD)
    assert client.get(reverse("beneficiaries:list")).status_code == 200
    organisation_update(organisation=partner_a, requires_second_factor=True, acting_user=SYSTEM)
    response = client.get(reverse("beneficiaries:list"))
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


# --- A password alone reaches nothing ----------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "manager_a", "superuser", "strict caseworker"])
def test_a_password_alone_reaches_nothing_but_the_second_factor(who, request, strict_partner):
    user = (
        member(strict_partner, Role.CASEWORKER, username="sara")
        if who == "strict caseworker"
        else request.getfixturevalue(who)
    )
    # Not enrolled: sent to enrolment.
    assert_reaches_nothing(password_only(user), ENROL)
    # Enrolled: sent to verification, and enrolling again is no way around it.
    app_of(user)
    client = password_only(user)
    assert_reaches_nothing(client, VERIFY)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_a_caseworker_of_an_organisation_that_does_not_require_it_is_free(alice):
    client = password_only(alice)
    for url in (reverse("home"), reverse("beneficiaries:list"), reverse("assistance:list")):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/beneficiaries/").status_code == 200
    # She may enrol of her own accord; from then on she is asked for it too.
    assert client.get(ENROL).status_code == 200
    app_of(alice)
    assert_reaches_nothing(password_only(alice), VERIFY)


def test_a_token_call_is_not_stopped_by_an_unverified_session(officer):
    """The token was given against the second factor; a session cookie sent along changes
    nothing. Another scheme than the token's falls back to the session and is stopped."""
    device = app_of(officer)
    api = APIClient()
    token = api.post(
        TOKEN,
        {"username": "officer", "password": PASSWORD, "otp": current_code(device)},
        format="json",
    ).json()["token"]
    client = password_only(officer)
    assert (
        client.get("/api/v1/beneficiaries/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    )
    assert client.get("/api/v1/beneficiaries/", HTTP_AUTHORIZATION="Basic eDp5").status_code == 403


# --- Verification ------------------------------------------------------------------------------


def test_verification_with_the_app_opens_everything_and_returns_where_the_user_was_going(
    officer, iom
):
    # As `add_user` makes an officer: staff, with the admin of the project's apps.
    user_upsert(username="officer", organisation=iom, role="iom_officer")
    device = app_of(officer)
    client = password_only(officer)
    target = reverse("bilans:list")
    page = client.get(target)
    assert page["Location"] == f"{VERIFY}?next={target.replace('/', '%2F')}"
    session_before = client.session.session_key
    response = client.post(VERIFY, {"code": current_code(device), "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.session.session_key != session_before  # a new session id once verified
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/beneficiaries/").status_code == 200


def test_verification_refuses_a_next_elsewhere(officer):
    device = app_of(officer)
    client = password_only(officer)
    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_backup_code_works_once(manager_a):
    app_of(manager_a)
    codes = services.backup_codes_regenerate(user=manager_a, acting_user=manager_a)
    assert len(codes) == len(set(codes)) == 10
    client = password_only(manager_a)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("beneficiaries:list")).status_code == 200
    assert StaticToken.objects.filter(device__user=manager_a).count() == 9
    # Used up: the same code again is refused.
    again = password_only(manager_a)
    response = again.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert again.get(reverse("beneficiaries:list")).status_code == 302


def test_backup_codes_alone_sign_in_and_the_last_one_leads_to_enrolment(manager_a):
    services.backup_codes_regenerate(user=manager_a, acting_user=manager_a)
    device = StaticDevice.objects.get(user=manager_a)
    device.token_set.exclude(pk=device.token_set.first().pk).delete()
    (last,) = device.token_set.values_list("token", flat=True)
    client = password_only(manager_a)
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": last}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    # No code left and no app: the next sign-in asks to enrol.
    assert password_only(manager_a).get(reverse("home"))["Location"].startswith(ENROL)


def test_a_wrong_code_is_refused_and_wrong_codes_slow_down_the_next_tries(officer):
    device = app_of(officer)
    client = password_only(officer)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert device.throttling_failure_timestamp is not None
    # django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s…): after ten, the
    # wait is over eight minutes, and even the right code is refused meanwhile.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=10)
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 200
    assert "Trop de codes erronés" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # The token endpoint shares the same count.
    response = APIClient().post(
        TOKEN,
        {"username": "officer", "password": PASSWORD, "otp": current_code(device)},
        format="json",
    )
    assert response.status_code == 400 and "Trop de codes erronés" in response.json()["otp"][0]


def test_a_backup_code_typed_does_not_count_against_the_app(officer):
    device = app_of(officer)
    services.backup_codes_regenerate(user=officer, acting_user=officer)
    client = password_only(officer)
    client.post(VERIFY, {"code": "abcdefgh"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert StaticDevice.objects.get(user=officer).throttling_failure_count == 1


def test_a_deleted_device_stops_a_verified_session_at_its_next_request(officer):
    device = app_of(officer)
    client = password_only(officer)
    client.post(VERIFY, {"code": current_code(device)})
    assert client.get(reverse("home")).status_code == 200
    services.second_factor_reset(user=officer, acting_user=officer)
    assert client.get(reverse("home"))["Location"].startswith(ENROL)


# --- Enrolment ---------------------------------------------------------------------------------


def test_enrolment_end_to_end(officer):
    client = password_only(officer)
    target = reverse("reporting:dashboard")
    response = client.get(target)
    assert response["Location"] == f"{ENROL}?next={target.replace('/', '%2F')}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    # The QR code, drawn on the server: no script on the page's own part.
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<svg" in main and "<script" not in main
    secret = re.search(r'<code class="secret" id="otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    # Reloading shows the same secret: the app already scanned keeps working.
    assert secret in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    # Not yet enrolled: still nothing else.
    assert client.get(target).status_code == 302
    # A wrong code does not confirm it.
    response = client.post(ENROL, {"code": "12345", "next": target})
    assert response.status_code == 200 and "Code incorrect" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # The right one does, signs the second factor in, and shows the backup codes once.
    response = client.post(ENROL, {"code": current_code(device), "next": target})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partners:second_factor_codes"))
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    )
    assert f'href="{target}"' in codes_page.content.decode()
    assert "data:text/plain" in codes_page.content.decode()
    # Shown once only.
    assert client.get(reverse("partners:second_factor_codes")).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(target).status_code == 200
    entry = AuditEntry.objects.filter(model="auth.user", object_id=str(officer.pk)).latest("at")
    assert entry.actor == officer and entry.changes == {"second_factor": [None, "enrolled"]}
    # Next sign-in: verification, and a backup code works.
    again = password_only(officer)
    assert again.get(target)["Location"].startswith(VERIFY)
    assert again.post(VERIFY, {"code": codes[3]}).status_code == 302
    assert again.get(target).status_code == 200


def test_replacing_the_app_and_renewing_backup_codes_need_the_second_factor_given(officer):
    client = Client()
    client.force_login(officer)  # second factor given (tests/conftest.py)
    old = TOTPDevice.objects.get(user=officer)
    assert client.get(ENROL).status_code == 200
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    response = client.post(ENROL, {"code": current_code(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=officer)) == [new]  # the old app is gone
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    response = client.post(reverse("partners:backup_codes_renew"))
    assert response["Location"] == reverse("partners:second_factor_codes")
    assert client.get(response["Location"]).status_code == 200
    # Without the second factor given, no renewal.
    unverified = password_only(officer)
    response = unverified.post(reverse("partners:backup_codes_renew"))
    assert response["Location"].startswith(VERIFY)


def test_nobody_confirms_the_app_of_someone_else(officer, manager_a):
    device = services.second_factor_enrol_start(user=officer, acting_user=officer)
    with pytest.raises(PermissionDenied):
        services.second_factor_enrol_confirm(
            device=device, code=current_code(device), acting_user=manager_a
        )


# --- The API's token ---------------------------------------------------------------------------


def test_the_token_endpoint_asks_the_second_factor_of_those_who_need_it(officer, alice):
    api = APIClient()
    credentials = {"username": "officer", "password": PASSWORD}
    # No second factor yet: enrol on the web first.
    response = api.post(TOKEN, credentials, format="json")
    assert response.status_code == 400
    assert "activez-le d'abord" in response.json()["otp"][0]
    device = app_of(officer)
    # Missing.
    response = api.post(TOKEN, credentials, format="json")
    assert response.status_code == 400 and "champ otp" in response.json()["otp"][0]
    # Wrong.
    response = api.post(TOKEN, {**credentials, "otp": "12345"}, format="json")
    assert response.status_code == 400 and "Code incorrect" in response.json()["otp"][0]
    assert "token" not in response.json()
    # Right: a token, as for anyone.
    response = api.post(TOKEN, {**credentials, "otp": current_code(device)}, format="json")
    assert response.status_code == 200 and response.json()["token"]
    # A backup code works too, once.
    (code,) = services.backup_codes_regenerate(user=officer, acting_user=officer)[:1]
    response = api.post(TOKEN, {**credentials, "otp": code}, format="json")
    assert response.status_code == 200
    assert api.post(TOKEN, {**credentials, "otp": code}, format="json").status_code == 400
    # In the request's language.
    response = api.post(TOKEN, credentials, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    # A caseworker whose organisation does not ask it needs no code.
    response = api.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_a_wrong_password_says_nothing_of_the_second_factor(officer):
    app_of(officer)
    response = APIClient().post(TOKEN, {"username": "officer", "password": "nope"}, format="json")
    assert response.status_code == 400 and "otp" not in response.json()
