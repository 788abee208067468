"""Resetting someone's second factor (lost phone, no backup codes left): IOM officers for
anyone, a partner manager for the members of their own organisation only; audited; the user
enrols again at their next request. Everyone else is refused (404, as for what they may not
see; anonymous visitors are sent to sign in)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEntry
from partners.choices import Role
from partners.services import second_factor as services
from tests.partners.factories import member

MEMBERS = reverse("partners:members")


def reset_url(user) -> str:
    return reverse("partners:second_factor_reset", args=[user.membership.pk])


def enrolled(user):
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    services.backup_codes_regenerate(user=user, acting_user=user)
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # second factor given (tests/conftest.py)
    return client


def has_devices(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


@pytest.fixture
def manager_b(partner_b):
    return member(partner_b, Role.PARTNER_MANAGER, username="manager-b")


def test_a_manager_resets_a_member_of_their_organisation(manager_a, alice, bob):
    enrolled(alice)
    enrolled(bob)
    client = signed_in(manager_a)
    page = client.get(MEMBERS)
    assert page.status_code == 200
    assert "alice" in page.content.decode() and "officer" not in page.content.decode()
    response = client.post(reset_url(alice))
    assert response.status_code == 302 and response["Location"] == MEMBERS
    assert not has_devices(alice)
    assert has_devices(bob)
    entry = AuditEntry.objects.filter(model="auth.user", object_id=str(alice.pk)).latest("at")
    assert entry.actor == manager_a
    assert entry.changes == {"second_factor": ["enrolled", "reset"]}


def test_after_a_reset_the_user_enrols_again(manager_a, partner_a):
    colleague = enrolled(member(partner_a, Role.PARTNER_MANAGER, username="colleague"))
    their_session = signed_in(colleague)
    assert their_session.get(reverse("home")).status_code == 200
    signed_in(manager_a).post(reset_url(colleague))
    response = their_session.get(reverse("home"))
    assert response["Location"].startswith(reverse("partners:second_factor_enrol"))


def test_an_officer_resets_anyone(officer, manager_a, charlie):
    enrolled(manager_a)
    enrolled(charlie)
    client = signed_in(officer)
    assert client.post(reset_url(manager_a)).status_code == 302
    assert client.post(reset_url(charlie)).status_code == 302
    assert not has_devices(manager_a) and not has_devices(charlie)


def test_a_manager_of_another_organisation_gets_404(manager_b, alice, officer):
    enrolled(alice)
    enrolled(officer)
    client = signed_in(manager_b)
    assert client.post(reset_url(alice)).status_code == 404
    assert client.post(reset_url(officer)).status_code == 404
    assert "alice" not in client.get(MEMBERS).content.decode()
    assert has_devices(alice) and has_devices(officer)
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(user=alice, acting_user=manager_b)


@pytest.mark.parametrize("who", ["bob", "charlie", "donor_user"])
def test_caseworkers_and_donors_are_refused(who, request, alice):
    enrolled(alice)
    client = signed_in(request.getfixturevalue(who))
    assert client.get(MEMBERS).status_code == 404
    assert client.post(reset_url(alice)).status_code == 404
    assert has_devices(alice)
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(user=alice, acting_user=request.getfixturevalue(who))


def test_anonymous_visitors_are_sent_to_sign_in(client, alice):
    enrolled(alice)
    for response in (client.get(MEMBERS), client.post(reset_url(alice))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert has_devices(alice)


def test_a_reset_needs_a_post(manager_a, alice):
    enrolled(alice)
    assert signed_in(manager_a).get(reset_url(alice)).status_code == 405
    assert has_devices(alice)
