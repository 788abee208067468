"""The access log (DESIGN.md section 8): every read of a person's file, every personal
export, every sign-in, sign-out and failed sign-in, and every duplicate check is recorded,
with who, when, what and from where, and without a password or a searched name."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from core import access
from core.models import AccessEntry
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.pages.test_beneficiaries import _register_data
from tests.partners.factories import city

PASSWORD = "pass-Word-1234"
Action = AccessEntry.Action


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-001",
        first_name="Aminata",
        last_name="Koné",
        city=city("oujda"),
    )


def entries(action):
    return list(AccessEntry.objects.filter(action=action).order_by("id"))


def test_opening_a_persons_file_is_logged_with_who_and_where(client, alice, person, partner_a):
    client.force_login(alice)
    response = client.get(
        reverse("beneficiaries:detail", args=[person.pk]),
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    (entry,) = entries(Action.VIEW_PERSON)
    assert (entry.user, entry.organisation_id) == (alice, partner_a.pk)
    assert (entry.model, entry.object_id) == ("beneficiaries.beneficiary", str(person.pk))
    assert (entry.channel, entry.ip_address) == ("page", "10.1.2.3")
    assert entry.path == reverse("beneficiaries:detail", args=[person.pk])
    assert len(entry.user_agent) == 255  # truncated, not refused


def test_a_file_out_of_scope_is_refused_and_not_logged_as_read(client, charlie, person):
    client.force_login(charlie)
    assert client.get(reverse("beneficiaries:detail", args=[person.pk])).status_code == 404
    assert entries(Action.VIEW_PERSON) == []


def test_reading_a_person_through_the_api_is_logged(alice, person):
    api = APIClient()
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/beneficiaries/{person.pk}/").status_code == 200
    assert api.get("/api/v1/beneficiaries/").status_code == 200  # a list is not a file read
    (entry,) = entries(Action.VIEW_PERSON)
    assert (entry.user, entry.object_id, entry.channel) == (alice, str(person.pk), "api")


def test_the_api_logs_no_read_of_a_person_out_of_scope(charlie, person):
    api = APIClient()
    api.force_authenticate(charlie)
    assert api.get(f"/api/v1/beneficiaries/{person.pk}/").status_code == 404
    assert entries(Action.VIEW_PERSON) == []


@pytest.mark.parametrize("kind", ["beneficiaires", "assistances"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_people_is_logged_with_its_kind_and_row_count(
    client, alice, person, project, partner_a, kind, fmt
):
    BeneficiaryFactory(organisation=partner_a)
    AssistanceFactory(beneficiary=person, provider=partner_a, project=project)
    client.force_login(alice)
    response = client.get(reverse(f"imports:export_{kind}_{fmt}"))
    assert response.status_code == 200
    (entry,) = entries(Action.EXPORT_PERSONAL)
    assert (entry.user, entry.kind) == (alice, f"{kind}.{fmt}")
    assert entry.row_count == (2 if kind == "beneficiaires" else 1)
    assert (entry.model, entry.object_id) == ("partners.organisation", str(partner_a.pk))


def test_the_drilldown_list_of_names_is_logged(client, officer, person, project, partner_a):
    AssistanceFactory(
        beneficiary=person,
        provider=partner_a,
        project=project,
        category="medical",
        subtype="consultation",
        delivered_on=datetime.date(2023, 4, 3),
    )
    client.force_login(officer)
    response = client.get(
        reverse("reporting:drilldown"),
        {"indicator": "medical_services", "start": "2023-04-01", "end": "2023-06-30"},
    )
    assert response.status_code == 200
    (entry,) = entries(Action.VIEW_LIST)
    assert (entry.user, entry.kind, entry.row_count) == (
        officer,
        "drilldown:medical_services",
        1,
    )


def test_the_edit_form_of_a_file_is_a_view_of_it(client, alice, person):
    client.force_login(alice)
    assert client.get(reverse("beneficiaries:edit", args=[person.pk])).status_code == 200
    (entry,) = entries(Action.VIEW_PERSON)
    assert (entry.user, entry.object_id, entry.kind) == (alice, str(person.pk), "edit")


def test_the_records_behind_a_data_quality_figure_are_logged(client, officer, partner_a, project):
    unknown = BeneficiaryFactory(organisation=partner_a, sex="U")
    AssistanceFactory(
        beneficiary=unknown,
        provider=partner_a,
        project=project,
        delivered_on=datetime.date(2023, 5, 1),
    )
    client.force_login(officer)
    response = client.get(
        reverse("reporting:quality_detail", args=["no_sex"]),
        {"period": "2023-Q2", "partner": "partner-a"},
    )
    assert response.status_code == 200
    (entry,) = entries(Action.VIEW_LIST)
    assert (entry.user, entry.kind) == (officer, "quality:no_sex")
    assert entry.row_count == len(response.context["page_obj"]) == 1


def test_the_error_report_of_an_import_is_a_logged_export(client, alice, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assistance.importer.models import ImportBatch
    from tests.imports.conftest import csv_bytes, row

    client.force_login(alice)
    content = csv_bytes([row(sex="?"), row(aref="A-2", category="magic")])
    client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("f.csv", content), "project": "JPN-PROT"},
    )
    batch = ImportBatch.objects.get()
    assert client.get(reverse("imports:errors_csv", args=[batch.pk])).status_code == 200
    (entry,) = entries(Action.EXPORT_PERSONAL)
    assert (entry.user, entry.kind, entry.row_count) == (alice, "import_errors", 2)
    assert (entry.model, entry.object_id) == ("assistance.importbatch", str(batch.pk))


def test_signing_in_and_out_on_the_form_is_logged(client, alice, partner_a):
    alice.set_password(PASSWORD)
    alice.save()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))
    (login,) = entries(Action.LOGIN)
    (logout,) = entries(Action.LOGOUT)
    assert (login.user, login.organisation_id, login.ip_address) == (
        alice,
        partner_a.pk,
        "127.0.0.1",
    )
    assert logout.user == alice


def test_a_failed_sign_in_keeps_the_username_tried_never_the_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "Secret-guess-9"})
    assert response.status_code == 200  # the form again
    client.post(reverse("login"), {"username": "nobody-here", "password": "Secret-guess-9"})
    first, second = entries(Action.LOGIN_FAILED)
    assert (first.user, first.username, first.channel) == (None, "alice", "page")
    assert second.username == "nobody-here"
    stored = AccessEntry.objects.filter(action=Action.LOGIN_FAILED).values()
    assert "Secret-guess-9" not in str(list(stored))
    assert entries(Action.LOGIN) == []


def test_a_failed_token_request_is_logged_as_a_failed_sign_in(alice):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": "wrong-guess"}, format="json"
    )
    assert response.status_code == 400
    (entry,) = entries(Action.LOGIN_FAILED)
    assert (entry.username, entry.channel, entry.path) == ("alice", "api", "/api/v1/auth/token/")
    assert "wrong-guess" not in str(entry.details)


def test_the_duplicate_check_is_logged_without_the_names_searched(alice, person):
    api = APIClient()
    api.force_authenticate(alice)
    query = {"first_name": "Aminata", "last_name": "Koné", "birth_year": 1995}
    response = api.get("/api/v1/beneficiaries/duplicates/", query)
    assert response.status_code == 200
    (entry,) = entries(Action.DUPLICATE_SEARCH)
    assert (entry.user, entry.row_count, entry.channel) == (alice, 1, "api")
    stored = str(list(AccessEntry.objects.values()))
    assert "Aminata" not in stored and "Kon" not in stored
    # The same search, typed differently, gives the same digest: an officer can check it.
    assert entry.details["digest"] == access.search_digest(" aminata ", "KONÉ", 1995)
    assert entry.details["digest"] != access.search_digest("Aminata", "Koné", 1996)


def test_the_duplicate_check_of_the_registration_form_is_logged(client, alice, person):
    client.force_login(alice)
    response = client.post(
        reverse("beneficiaries:create"),
        _register_data(first_name="Aminata", last_name="Koné", date_of_birth="1995-05-17"),
    )
    assert response.status_code == 200  # shown the possible duplicate first
    (entry,) = entries(Action.DUPLICATE_SEARCH)
    assert (entry.user, entry.channel) == (alice, "page")
    assert "Aminata" not in str(entry.details)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    # The left entry is what the client wrote itself: not believed.
    assert access.client_ip(request) == "203.0.113.7"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert access.client_ip(request) == "10.0.0.1"


def test_a_token_made_on_the_endpoint_or_the_account_page_is_recorded(client, alice):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 200
    client.force_login(alice)
    assert client.post(reverse("partners:token_create"), {"name": "Tablette"}).status_code == 200
    entries = AccessEntry.objects.filter(action=Action.TOKEN_CREATED, user=alice)
    assert entries.count() == 2
    assert {entry.model for entry in entries} == {"partners.apitoken"}
    assert entries.filter(ip_address="10.9.9.9").exists()
