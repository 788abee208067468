"""Unlocking a sign-in before its cool-down ends: IOM officers any username or address,
partner managers their own organisation's accounts; audited; the others get a 404 (the
page is not theirs) and anonymous visitors the sign-in page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from partners.selectors import sign_in_locks_visible_to
from partners.services import sign_in_unlock
from tests.partners.factories import PASSWORD
from tests.security.test_lockout import fail_until_locked, form_sign_in

LIST = reverse("partners:lockouts")
RELEASE = reverse("partners:lockout_release")


@pytest.fixture
def alice_locked(alice):
    fail_until_locked(form_sign_in, Client(), "alice", address="10.0.0.1")
    assert form_sign_in(Client(), "alice", PASSWORD, address="10.0.0.2").status_code == 429
    return alice


@pytest.fixture
def address_locked(db):
    client = Client()
    for name in ("n1", "n2", "n3", "n4", "n5"):
        form_sign_in(client, name, "x", address="10.6.6.6")
    return "10.6.6.6"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_officer_sees_locked_accounts_and_addresses(officer, alice_locked, address_locked):
    page = signed_in(officer).get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "alice" in text and "Partenaire A" in text
    assert "10.6.6.6" in text
    assert "10.0.0.1" in text  # alice's five failures came from there: it is locked too
    locks = {(lock.kind, lock.value) for lock in sign_in_locks_visible_to(officer)}
    assert ("username", "alice") in locks and ("ip_address", "10.6.6.6") in locks


def test_the_officer_unlocks_an_account_and_it_is_audited(officer, alice_locked):
    response = signed_in(officer).post(RELEASE, {"kind": "username", "value": "alice"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not AccessAttempt.objects.filter(username="alice").exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert entry.actor == officer
    assert (entry.model, entry.object_id) == ("auth.user", str(alice_locked.pk))
    assert entry.changes == {"username": "alice", "failures": settings.AXES_FAILURE_LIMIT}
    # alice signs in at once, with the right password
    assert form_sign_in(Client(), "alice", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_officer_unlocks_an_address(officer, address_locked, bob):
    assert form_sign_in(Client(), "bob", PASSWORD, address=address_locked).status_code == 429
    response = signed_in(officer).post(RELEASE, {"kind": "ip_address", "value": address_locked})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert entry.model == "axes.accessattempt"
    assert entry.changes == {"ip_address": address_locked, "failures": 5}
    assert form_sign_in(Client(), "bob", PASSWORD, address=address_locked).status_code == 302


def test_the_manager_unlocks_an_account_of_their_organisation(manager_a, alice_locked):
    client = signed_in(manager_a)
    assert "alice" in client.get(LIST).content.decode()
    response = client.post(RELEASE, {"kind": "username", "value": "alice"})
    assert response.status_code == 302
    assert AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK).actor == manager_a
    assert form_sign_in(Client(), "alice", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_manager_of_another_organisation_gets_a_404(partner_b, alice_locked):
    from partners.choices import Role
    from tests.partners.factories import member

    manager_b = member(partner_b, Role.PARTNER_MANAGER, username="manager-b")
    client = signed_in(manager_b)
    assert "alice" not in client.get(LIST).content.decode()
    response = client.post(RELEASE, {"kind": "username", "value": "alice"})
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="alice").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK).exists()


def test_a_manager_does_not_see_nor_unlock_addresses(manager_a, address_locked):
    client = signed_in(manager_a)
    assert address_locked not in client.get(LIST).content.decode()
    response = client.post(RELEASE, {"kind": "ip_address", "value": address_locked})
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(ip_address=address_locked).exists()


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "donor_user"])
def test_caseworkers_and_donors_get_a_404(request, who, alice_locked):
    user = request.getfixturevalue(who)
    if who == "alice":
        AccessAttempt.objects.all().delete()  # she must be able to sign in to try
        fail_until_locked(form_sign_in, Client(), "bob-typo", address="10.0.0.5")
    client = signed_in(user)
    assert client.get(LIST).status_code == 404
    response = client.post(RELEASE, {"kind": "username", "value": "alice"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK).exists()


def test_anonymous_visitors_are_sent_to_sign_in(alice_locked):
    client = Client()
    for response in (
        client.get(LIST),
        client.post(RELEASE, {"kind": "username", "value": "alice"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert AccessAttempt.objects.filter(username="alice").exists()


def test_a_lock_already_over_is_a_404(officer, alice_locked):
    from tests.security.test_lockout import age_attempts

    age_attempts(minutes=16)
    client = signed_in(officer)
    assert "alice" not in client.get(LIST).content.decode()
    assert client.post(RELEASE, {"kind": "username", "value": "alice"}).status_code == 404


def test_a_bad_form_is_a_404(officer):
    assert signed_in(officer).post(RELEASE, {"kind": "password", "value": "x"}).status_code == 404


def test_the_service_refuses_a_manager_outside_their_organisation(manager_a, charlie, partner_b):
    fail_until_locked(form_sign_in, Client(), "charlie", address="10.0.0.4")
    with pytest.raises(PermissionDenied):
        sign_in_unlock(username="charlie", acting_user=manager_a)
    with pytest.raises(PermissionDenied):
        sign_in_unlock(ip_address="10.0.0.4", acting_user=manager_a)
    assert AccessAttempt.objects.filter(username="charlie").exists()


def test_the_service_refuses_caseworkers_and_needs_one_target(alice, officer):
    with pytest.raises(PermissionDenied):
        sign_in_unlock(username="bob", acting_user=alice)
    with pytest.raises(TypeError):
        sign_in_unlock(acting_user=officer)
    with pytest.raises(TypeError):
        sign_in_unlock(username="bob", acting_user=None)


def test_officers_and_managers_reach_the_page_from_the_security_entry(officer, manager_a, alice):
    hub = reverse("partners:security")
    for user in (officer, manager_a):
        client = signed_in(user)
        assert f'href="{hub}"' in client.get(reverse("home")).content.decode()
        assert f'href="{LIST}"' in client.get(hub).content.decode()
    assert f'href="{hub}"' not in signed_in(alice).get(reverse("home")).content.decode()


def test_a_get_on_the_unlock_is_refused_without_telling_other_roles_it_exists(officer, alice):
    assert signed_in(officer).get(RELEASE).status_code == 405
    assert signed_in(alice).get(RELEASE).status_code == 404
