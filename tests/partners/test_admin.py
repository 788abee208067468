"""The partners admin writes what the officer typed, through the services, and revoking
access there ends it: for pages and API, sessions and tokens, at the user's next request."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.admin import ServiceAdminMixin
from core.models import AuditEntry
from partners.models import Membership, Organisation, Project
from tests.partners.factories import PASSWORD


@pytest.fixture
def officer_client(client, officer):
    officer.is_staff = True
    officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def change_url(instance) -> str:
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def _form_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "pk", value)


def post_change(client, instance, **changes):
    """Post the admin change form of `instance` as shown, with `changes` typed in."""
    url = change_url(instance)
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    payload = {}
    for name, field in form.fields.items():
        value = _form_value(form.initial.get(name, field.initial))
        if value not in ("", [], None):
            payload[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        payload.update({management.add_prefix(k): v for k, v in management.initial.items()})
    for name, value in changes.items():
        if value is False:
            payload.pop(name, None)
        else:
            payload[name] = _form_value(value)
    response = client.post(url, payload)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def signed_in(username: str) -> tuple[Client, APIClient]:
    """A browser session and an API token client for `username`, both working now."""
    browser = Client()
    assert browser.login(username=username, password=PASSWORD)
    assert browser.get(reverse("beneficiaries:list")).status_code == 200
    token = APIClient()
    response = token.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert token.get("/api/v1/beneficiaries/").status_code == 200
    return browser, token


def assert_signed_out(username: str, browser: Client, token: APIClient) -> None:
    page = browser.get(reverse("beneficiaries:list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
    assert browser.get("/api/v1/beneficiaries/").status_code == 401
    assert token.get("/api/v1/beneficiaries/").status_code == 401
    assert token.post("/api/v1/beneficiaries/", {}, format="json").status_code == 401
    # Nor can they come back in.
    assert not Client().login(username=username, password=PASSWORD)
    again = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert again.status_code == 400


def test_unticking_actif_revokes_a_membership_and_signs_the_user_out(officer_client, alice):
    browser, token = signed_in("alice")
    membership = Membership.objects.get(user=alice)

    post_change(officer_client, membership, is_active=False)

    membership.refresh_from_db()
    assert membership.is_active is False
    assert not Token.objects.filter(user=alice).exists()
    assert AuditEntry.objects.filter(
        model="partners.membership", object_id=str(membership.pk), action="update"
    ).exists()
    assert_signed_out("alice", browser, token)


def test_restoring_a_membership_gives_access_back(officer_client, alice):
    membership = Membership.objects.get(user=alice)
    post_change(officer_client, membership, is_active=False)
    post_change(officer_client, membership, is_active=True)
    signed_in("alice")


def test_a_deactivated_organisation_signs_every_member_out(officer_client, partner_a, alice, bob):
    sessions = {name: signed_in(name) for name in ("alice", "bob")}

    post_change(officer_client, partner_a, is_active=False)

    partner_a.refresh_from_db()
    assert partner_a.is_active is False
    for name, (browser, token) in sessions.items():
        assert_signed_out(name, browser, token)


def test_a_deactivated_user_is_signed_out(alice):
    browser, token = signed_in("alice")
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert_signed_out("alice", browser, token)


def test_a_colleague_keeps_access_when_one_membership_is_revoked(officer_client, alice, bob):
    browser, token = signed_in("bob")
    post_change(officer_client, Membership.objects.get(user=alice), is_active=False)
    assert browser.get(reverse("beneficiaries:list")).status_code == 200
    assert token.get("/api/v1/beneficiaries/").status_code == 200


def test_editing_an_organisation_slug_renames_it_and_creates_nothing(officer_client, partner_a):
    before = Organisation.objects.count()

    post_change(officer_client, partner_a, slug="smso-oujda", name="SMSO Oujda")

    assert Organisation.objects.count() == before
    partner_a.refresh_from_db()
    assert (partner_a.slug, partner_a.name) == ("smso-oujda", "SMSO Oujda")
    entry = AuditEntry.objects.get(model="partners.organisation", object_id=str(partner_a.pk))
    assert entry.changes["slug"] == ["partner-a", "smso-oujda"]


def test_editing_a_project_code_and_partners_keeps_one_project(officer_client, project, partner_b):
    before = Project.objects.count()

    post_change(officer_client, project, code="JPN-PROT-2", partners=[partner_b])

    assert Project.objects.count() == before
    project.refresh_from_db()
    assert project.code == "JPN-PROT-2"
    assert list(project.partners.values_list("slug", flat=True)) == ["partner-b"]
    entry = AuditEntry.objects.get(model="partners.project", object_id=str(project.pk))
    assert entry.changes["code"] == ["JPN-PROT", "JPN-PROT-2"]
    assert entry.changes["partners"] == [["partner-a", "partner-b"], ["partner-b"]]


def _service_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ServiceAdminMixin)
    ]


def test_the_service_backed_admins_are_those_of_the_domain():
    labels = {model._meta.label for model, _admin in _service_admins()}
    assert labels == {
        "partners.Organisation",
        "partners.Project",
        "partners.Membership",
        "beneficiaries.Beneficiary",
        "assistance.Assistance",
    }


@pytest.mark.parametrize(
    "model_admin", [a for _m, a in _service_admins()], ids=lambda a: a.model._meta.label
)
def test_a_change_form_offers_only_what_its_service_writes(
    officer_client, alice, project, model_admin
):
    """A field shown as editable but not written by the service would be silently ignored,
    as "actif" was on memberships."""
    from tests.assistance.factories import AssistanceFactory

    AssistanceFactory(beneficiary__organisation=alice.membership.organisation)
    instance = model_admin.model._default_manager.first()
    form = officer_client.get(change_url(instance)).context["adminform"].form
    assert set(form.fields) <= set(model_admin.editable_on_change)
    assert set(form.fields), "the change form offers nothing to edit"


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


@pytest.mark.parametrize(
    "model_admin", [a for _m, a in _service_admins()], ids=lambda a: a.model._meta.label
)
def test_an_add_form_offers_only_what_its_service_writes(officer_client, model_admin):
    """The same on the add form: a field the create service does not take (an assistance's
    group session or return case, linked by their own flows) is not offered at all."""
    form = officer_client.get(add_url(model_admin.model)).context["adminform"].form
    assert set(form.fields) <= set(model_admin.editable_on_add)
    assert set(form.fields), "the add form offers nothing to fill in"
