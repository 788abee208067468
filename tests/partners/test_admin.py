"""The partners admin writes what the officer typed, through the services, and revoking
access there ends it: for pages and API, sessions and tokens, at the user's next request."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.admin import ServiceAdminMixin
from core.models import AuditEntry
from frameworks.models import Axis, FrameworkObjective
from partners.choices import Role
from partners.models import Membership, Organisation, Project
from partners.services import membership_update, user_upsert
from tests.partners.factories import PASSWORD, give_second_factor, live_tokens, sign_in_request


def upserted(username: str, organisation, role: str):
    """A user made as `manage.py add_user` makes one (not a superuser)."""
    user, _created = user_upsert(
        username=username, organisation=organisation, role=role, password=PASSWORD
    )
    return user


def admin_client(username: str) -> Client:
    client = Client()
    assert client.login(request=sign_in_request(), username=username, password=PASSWORD)
    give_second_factor(client, get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def officer_client(iom):
    """An IOM officer signed in, made by the operations command's service: the admin as
    officers really get it, so a missing permission or scope shows here."""
    upserted("leila", iom, Role.IOM_OFFICER)
    return admin_client("leila")


def change_url(instance) -> str:
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def assert_no_admin(client: Client, *urls: str) -> None:
    """Every admin page sends the user to the admin's sign-in page."""
    for url in (reverse("admin:index"), *urls):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


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
    """Post the admin change form of `instance` as shown, with `changes` typed in; it saves."""
    response = post_form(client, instance, **changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def post_refused(client, instance, **changes):
    """Post as post_change; the form comes back with its errors, nothing saved."""
    response = post_form(client, instance, **changes)
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def post_form(client, instance, **changes):
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
    return client.post(url, payload)


def signed_in(username: str) -> tuple[Client, APIClient]:
    """A browser session and an API token client for `username`, both working now."""
    browser = Client()
    assert browser.login(request=sign_in_request(), username=username, password=PASSWORD)
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
    assert not Client().login(request=sign_in_request(), username=username, password=PASSWORD)
    again = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert again.status_code == 400


# --- Who has the admin ---------------------------------------------------------------------


def test_an_officer_demoted_in_the_admin_loses_it_and_cannot_promote_themself_back(
    officer_client, iom, partner_a
):
    leila = Membership.objects.get(user__username="leila")
    url = change_url(leila)

    post_change(officer_client, leila, organisation=partner_a, role=Role.CASEWORKER)

    assert_no_admin(officer_client, url)
    response = officer_client.post(url, {"organisation": iom.pk, "role": Role.IOM_OFFICER})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    leila.refresh_from_db()
    assert (leila.organisation, leila.role) == (partner_a, Role.CASEWORKER)
    user = leila.user
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.has_perm("partners.change_membership")


def test_an_officer_demoted_by_the_service_loses_the_admin(officer_client, partner_a):
    leila = Membership.objects.get(user__username="leila")
    membership_update(membership=leila, organisation=partner_a, role=Role.CASEWORKER)
    assert_no_admin(officer_client, change_url(leila))


def test_a_revoked_officer_loses_the_admin(officer_client):
    leila = Membership.objects.get(user__username="leila")
    membership_update(membership=leila, is_active=False)
    assert_no_admin(officer_client, change_url(leila))
    assert not Membership.objects.get(pk=leila.pk).user.is_staff


def test_a_stale_staff_flag_opens_nothing(partner_a):
    """Defence in depth: is_staff and every permission set by hand on a caseworker (a
    restored backup, a script) still give no admin: the live membership decides."""
    from django.contrib.auth.models import Permission

    alice = upserted("alice", partner_a, Role.CASEWORKER)
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    alice.user_permissions.add(*Permission.objects.all())
    assert_no_admin(admin_client("alice"), change_url(alice.membership))


def test_promoting_someone_in_the_admin_gives_them_the_admin(officer_client, iom, partner_a):
    alice = upserted("alice", partner_a, Role.CASEWORKER)
    client = admin_client("alice")
    assert_no_admin(client)

    post_change(officer_client, alice.membership, organisation=iom, role=Role.IOM_OFFICER)

    # An officer now: the admin waits for the second factor she has yet to enrol.
    page = client.get(reverse("admin:index"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("partners:second_factor_enrol"))
    give_second_factor(client, alice)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(change_url(alice.membership)).status_code == 200
    assert client.get(reverse("admin:beneficiaries_beneficiary_changelist")).status_code == 200


def test_promoting_someone_through_the_service_gives_them_the_admin(iom, partner_a):
    alice = upserted("alice", partner_a, Role.CASEWORKER)
    membership_update(membership=alice.membership, organisation=iom, role=Role.IOM_OFFICER)
    client = admin_client("alice")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(change_url(alice.membership)).status_code == 200


# --- Revoking access ------------------------------------------------------------------------


def test_unticking_actif_revokes_a_membership_and_signs_the_user_out(officer_client, alice):
    browser, token = signed_in("alice")
    membership = Membership.objects.get(user=alice)

    post_change(officer_client, membership, is_active=False)

    membership.refresh_from_db()
    assert membership.is_active is False
    assert live_tokens(alice) == 0
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


def test_a_project_code_is_read_only_and_partners_edits_keep_one_project(
    officer_client, project, partner_b
):
    before = Project.objects.count()
    page = officer_client.get(change_url(project))
    assert "code" not in page.context["adminform"].form.fields
    assert "JPN-PROT" in page.text

    post_change(officer_client, project, code="JPN-PROT-2", partners=[partner_b])

    assert Project.objects.count() == before
    project.refresh_from_db()
    assert project.code == "JPN-PROT"
    assert list(project.partners.values_list("slug", flat=True)) == ["partner-b"]
    entry = AuditEntry.objects.get(model="partners.project", object_id=str(project.pk))
    assert "code" not in entry.changes
    assert entry.changes["partners"] == [["partner-a", "partner-b"], ["partner-b"]]


def test_an_officer_tags_a_project_with_axes_and_framework_objectives(officer_client, project):
    """DESIGN.md §9: the axes and the frameworks (SDG targets, GCM, SNIA) a project serves
    are picked from the seeded code lists on the project's admin page."""
    page = officer_client.get(change_url(project))
    form = page.context["adminform"].form
    assert {"axes", "objectives"} <= set(form.fields)
    assert "OS 5" in page.text and "10.7" in page.text
    protection = Axis.objects.get(code="protection")
    chosen = [
        FrameworkObjective.objects.get(kind="sdg", code="10.7"),
        FrameworkObjective.objects.get(kind="gcm", code="7"),
        FrameworkObjective.objects.get(kind="snia", code="OS 5"),
    ]

    post_change(officer_client, project, axes=[protection], objectives=chosen)

    assert list(project.axes.values_list("code", flat=True)) == ["protection"]
    assert set(project.objectives.all()) == set(chosen)
    entry = AuditEntry.objects.get(model="partners.project", object_id=str(project.pk))
    assert entry.changes["axes"] == [[], ["protection"]]
    assert entry.changes["objectives"] == [[], ["gcm:7", "sdg:10.7", "snia:OS 5"]]

    # Untagging goes through the service as well.
    post_change(officer_client, project, axes=False, objectives=chosen[:1])
    assert not project.axes.exists()
    assert list(project.objectives.values_list("code", flat=True)) == ["10.7"]


# --- The services' refusals show on the form -------------------------------------------------


def test_a_kind_its_members_contradict_is_refused_on_the_form(officer_client, partner_a, alice):
    errors = post_refused(officer_client, partner_a, kind="donor", name="Renommée")
    assert "rôle impossible" in str(errors["kind"])
    partner_a.refresh_from_db()
    assert (partner_a.kind, partner_a.name) == ("partner", "Partenaire A")
    assert not AuditEntry.objects.filter(model="partners.organisation").exists()


def test_an_officer_cannot_close_iom_from_the_admin(officer_client, iom):
    errors = post_refused(officer_client, iom, is_active=False)
    assert "votre propre organisation" in str(errors["is_active"])
    iom.refresh_from_db()
    assert iom.is_active
    assert officer_client.get(reverse("admin:index")).status_code == 200


def test_a_donor_is_refused_as_a_project_partner_on_the_form(officer_client, project, donor):
    errors = post_refused(officer_client, project, partners=[donor], title="Autre")
    assert "ne peut pas mettre en œuvre un projet" in str(errors["partners"])
    project.refresh_from_db()
    assert project.title != "Autre"
    assert set(project.partners.values_list("slug", flat=True)) == {"partner-a", "partner-b"}


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


def test_an_officer_sets_an_organisation_s_retention_period_within_bounds(
    officer_client, partner_a
):
    """DESIGN.md §8: how long the organisation keeps personal data (5 years unless set),
    written through the service and audited; out of 1–30 years it is refused."""
    assert partner_a.retention_years == 5
    for wrong in (0, 31):
        errors = post_refused(officer_client, partner_a, retention_years=wrong)
        assert "retention_years" in errors
    post_change(officer_client, partner_a, retention_years=10)
    partner_a.refresh_from_db()
    assert partner_a.retention_years == 10
    entry = AuditEntry.objects.filter(model="partners.organisation").latest("id")
    assert entry.changes["retention_years"] == [5, 10]


def test_an_officer_asks_the_second_factor_of_every_member_of_an_organisation(
    officer_client, partner_a
):
    post_change(officer_client, partner_a, requires_second_factor=True)
    partner_a.refresh_from_db()
    assert partner_a.requires_second_factor
    entry = AuditEntry.objects.filter(
        model="partners.organisation", object_id=str(partner_a.pk)
    ).latest("at")
    assert entry.changes == {"requires_second_factor": [False, True]}
