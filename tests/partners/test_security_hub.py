"""The "Sécurité" entry of the menu and its page, for partner managers and IOM officers: the
members they look after (one page for both resets: password and second factor), the locked
sign-ins with how many are in force, and for officers the audit log. Caseworkers and donors
get a 404, as for any page not theirs; anonymous visitors the sign-in page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import views
from partners.choices import Role
from partners.services import second_factor as services
from tests.partners.factories import member
from tests.security.test_lockout import fail_until_locked, form_sign_in

pytestmark = pytest.mark.django_db

HUB = reverse("partners:security")
MEMBERS = reverse("partners:members")
LOCKS = '<strong id="locks-in-force">{}</strong>'


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # second factor given (tests/conftest.py)
    return client


def enrolled(user):
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    services.backup_codes_regenerate(user=user, acting_user=user)
    return user


def has_devices(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def password_url(user) -> str:
    return reverse("partners:member_password_reset", args=[user.membership.pk])


def second_factor_url(user) -> str:
    return reverse("partners:second_factor_reset", args=[user.membership.pk])


def nav(html: str) -> str:
    return re.search(r'<nav aria-label="[^"]*" class="mainnav">(.*?)</nav>', html, re.S).group(1)


@pytest.fixture
def manager_b(partner_b):
    return member(partner_b, Role.PARTNER_MANAGER, username="manager-b")


# --- The hub ------------------------------------------------------------------------------------


def test_a_manager_sees_users_and_locked_sign_ins_with_their_count(manager_a, alice):
    page = signed_in(manager_a).get(HUB)
    assert page.status_code == 200
    html = page.content.decode()
    assert MEMBERS in html and reverse("partners:lockouts") in html
    assert reverse("audit:list") not in html
    assert LOCKS.format(0) in html
    fail_until_locked(form_sign_in, Client(), "alice")
    html = signed_in(manager_a).get(HUB).content.decode()
    assert LOCKS.format(1) in html and '<span class="badge">1</span>' in html


def test_a_manager_does_not_count_another_organisations_locks(manager_b, alice):
    fail_until_locked(form_sign_in, Client(), "alice")
    assert LOCKS.format(0) in signed_in(manager_b).get(HUB).content.decode()


def test_an_officer_sees_the_audit_log_too(officer, alice):
    fail_until_locked(form_sign_in, Client(), "alice", address="10.9.9.9")
    page = signed_in(officer).get(HUB)
    assert page.status_code == 200
    html = page.content.decode()
    assert MEMBERS in html and reverse("partners:lockouts") in html
    assert reverse("audit:list") in html
    assert LOCKS.format(2) in html  # alice's account and the address she tried from


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "donor_user"])
def test_caseworkers_and_donors_get_404(who, request):
    assert signed_in(request.getfixturevalue(who)).get(HUB).status_code == 404


def test_anonymous_visitors_sign_in_first(client):
    response = client.get(HUB)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- The menu -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "officer"])
def test_the_menu_has_one_security_entry_for_managers_and_officers(who, request):
    html = nav(signed_in(request.getfixturevalue(who)).get(reverse("home")).content.decode())
    assert f'href="{HUB}"' in html and "Sécurité" in html
    assert reverse("partners:lockouts") not in html and reverse("audit:list") not in html


@pytest.mark.parametrize("who", ["alice", "charlie", "donor_user"])
def test_the_others_have_no_security_entry(who, request):
    html = signed_in(request.getfixturevalue(who)).get(reverse("home")).content.decode()
    assert HUB not in html and "Sécurité" not in nav(html)


@pytest.mark.parametrize(
    "url",
    [HUB, MEMBERS, reverse("partners:lockouts"), reverse("audit:list")],
)
def test_the_entry_is_current_on_the_hub_and_its_pages(url, officer):
    html = signed_in(officer).get(url).content.decode()
    assert f'<a href="{HUB}" aria-current="page">' in nav(html)
    # The account link at the right is not current too on the users page (/account/users/).
    assert 'class="account-link" aria-current' not in html


def test_the_entry_is_not_current_elsewhere(officer):
    html = signed_in(officer).get(reverse("partners:account")).content.decode()
    assert f'<a href="{HUB}">' in nav(html)
    assert 'class="account-link" aria-current="page"' in html


# --- The unified members page -------------------------------------------------------------------


def test_a_manager_has_both_resets_per_member_and_sees_who_has_a_second_factor(
    manager_a, alice, bob, charlie
):
    enrolled(alice)
    html = signed_in(manager_a).get(MEMBERS).content.decode()
    assert password_url(alice) in html and password_url(bob) in html
    assert second_factor_url(alice) in html
    assert second_factor_url(bob) not in html  # nothing to reset
    assert "activé" in html and "aucun" in html
    assert "Réinitialiser le second facteur" in html
    assert password_url(charlie) not in html
    assert password_url(manager_a) not in html  # one's own: on one's own pages


def test_a_manager_resets_both_for_their_own_organisation(manager_a, alice):
    enrolled(alice)
    client = signed_in(manager_a)
    assert client.get(password_url(alice)).status_code == 200
    response = client.post(second_factor_url(alice), {"q": "ali"})
    assert response.status_code == 302 and response["Location"] == f"{MEMBERS}?q=ali"
    assert not has_devices(alice)
    assert client.post(second_factor_url(alice)).status_code == 302
    assert client.post(second_factor_url(alice))["Location"] == MEMBERS


def test_an_officer_resets_both_for_anyone(officer, charlie):
    enrolled(charlie)
    client = signed_in(officer)
    html = client.get(MEMBERS, {"q": "charl"}).content.decode()
    assert password_url(charlie) in html and second_factor_url(charlie) in html
    assert client.get(password_url(charlie)).status_code == 200
    assert client.post(second_factor_url(charlie)).status_code == 302
    assert not has_devices(charlie)


@pytest.mark.parametrize("who", ["manager_b", "alice", "bob", "charlie", "donor_user"])
def test_the_others_get_404_for_both_resets(who, request, alice, manager_a):
    enrolled(manager_a)
    target = manager_a
    client = signed_in(request.getfixturevalue(who))
    members_page = client.get(MEMBERS)
    if who == "manager_b":
        assert members_page.status_code == 200
        assert password_url(target) not in members_page.content.decode()
    else:
        assert members_page.status_code == 404
    assert client.get(password_url(target)).status_code == 404
    assert client.post(password_url(target)).status_code == 404
    assert client.post(second_factor_url(target)).status_code == 404
    assert has_devices(target)


def test_anonymous_visitors_sign_in_before_either_reset(client, alice):
    enrolled(alice)
    for response in (
        client.get(MEMBERS),
        client.get(password_url(alice)),
        client.post(password_url(alice)),
        client.post(second_factor_url(alice)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert has_devices(alice)


def test_the_list_is_bounded_by_pages(monkeypatch, officer, alice, bob, charlie):
    monkeypatch.setattr(views, "MEMBERS_PAGE_SIZE", 2)
    html = signed_in(officer).get(MEMBERS).content.decode()
    assert html.count('<td data-label="Utilisateur">') == 2
    assert 'rel="next"' in html


def test_the_old_second_factor_members_address_leads_to_the_users_page(officer):
    response = signed_in(officer).get("/account/second-factor/members/?q=ali")
    assert response.status_code == 302 and response["Location"] == f"{MEMBERS}?q=ali"
