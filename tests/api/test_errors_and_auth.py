"""Errors as JSON with field-level messages in the request's language; token and session
authentication; the schema and the docs page (served without any CDN)."""

import json
import re

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from beneficiaries.models import Beneficiary
from tests.partners.factories import api_token


def test_validation_errors_are_per_field_and_in_french_by_default(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/beneficiaries/",
        {"beneficiary_ref": "E-1", "sex": "X", "date_of_birth": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"sex"}
    assert "choix valide" in errors["sex"][0]


def test_validation_errors_follow_accept_language(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/beneficiaries/",
        {"beneficiary_ref": "E-1", "sex": "X"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "valid choice" in response.json()["sex"][0]


def test_model_rules_from_the_services_come_back_per_field(client_for, alice):
    response = client_for(alice).post(
        "/api/v1/beneficiaries/",
        {"beneficiary_ref": "E-2", "date_of_birth": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.json()
    assert not Beneficiary.objects.filter(beneficiary_ref="E-2").exists()


def test_duplicate_reference_is_a_clear_400(client_for, alice, person_a):
    response = client_for(alice).post(
        "/api/v1/beneficiaries/", {"beneficiary_ref": person_a.beneficiary_ref}, format="json"
    )
    assert response.status_code == 400
    assert "existe déjà" in str(response.json())


def test_role_refusals_are_403_json(client_for, donor_user):
    response = client_for(donor_user).get("/api/v1/beneficiaries/")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_token_flow(api_client, alice, person_a):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": "pass-Word-1234"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = api_client.get("/api/v1/beneficiaries/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1


def test_wrong_password_gets_no_token(api_client, alice):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_anonymous_gets_401_with_the_token_challenge(api_client):
    response = api_client.get("/api/v1/beneficiaries/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_authentication_for_the_browser(client, alice, person_a):
    client.force_login(alice)
    assert client.get("/api/v1/beneficiaries/").json()["count"] == 1


def test_schema_describes_every_endpoint(client_for, alice):
    response = client_for(alice).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/beneficiaries/",
        "/api/v1/beneficiaries/{id}/",
        "/api/v1/assistances/{id}/cancel/",
        "/api/v1/referrals/{id}/accept/",
        "/api/v1/referrals/{id}/outcome/",
        "/api/v1/return-cases/{id}/advance/",
        "/api/v1/organisations/",
        "/api/v1/projects/",
        "/api/v1/auth/token/",
    ):
        assert path in paths, path
    create = paths["/api/v1/assistances/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "409" in paths["/api/v1/beneficiaries/{id}/"]["patch"]["responses"]


def test_docs_page_loads_only_local_files(client, alice):
    client.force_login(alice)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    assert all(not re.match(r"^(https?:)?//", asset) for asset in assets), assets


def test_the_schema_is_for_signed_in_users_only(api_client, alice, donor_user):
    anonymous = api_client.get("/api/v1/schema/?format=json")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert "paths" not in anonymous.json() and anonymous.json()["detail"]
    token = api_token(alice)
    by_token = APIClient().get("/api/v1/schema/?format=json", HTTP_AUTHORIZATION=f"Token {token}")
    assert by_token.status_code == 200 and "/api/v1/reports/bilan/" in by_token.json()["paths"]
    # Donors use the bilan API: they may read its description.
    session = APIClient()
    session.force_login(donor_user)
    assert session.get("/api/v1/schema/?format=json").status_code == 200


def test_the_docs_page_sends_an_anonymous_browser_to_sign_in(client, donor_user):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/api/v1/docs/" in response["Location"]
    client.force_login(donor_user)
    assert client.get("/api/v1/docs/").status_code == 200


def test_out_of_scope_and_missing_answer_the_same_404(client_for, charlie, person_a):
    client = client_for(charlie)
    hidden = client.get(f"/api/v1/beneficiaries/{person_a.pk}/")
    missing = client.get("/api/v1/beneficiaries/987654/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert "Beneficiary" not in hidden.content.decode()


def test_a_body_naming_someone_out_of_scope_gets_a_field_error(client_for, charlie, person_a):
    response = client_for(charlie).post(
        "/api/v1/assistances/",
        {"beneficiary": person_a.pk, "category": "food", "subtype": "meal"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "beneficiary": [f"« {person_a.pk} » : introuvable ou hors de votre périmètre."]
    }


def test_unknown_api_paths_answer_json(client_for, alice):
    response = client_for(alice).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_browsable_api_pages_render_for_a_signed_in_caseworker(client, alice, person_a):
    client.force_login(alice)
    for url in ("/api/v1/beneficiaries/", f"/api/v1/beneficiaries/{person_a.pk}/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert person_a.beneficiary_ref in response.content.decode()


def test_a_unique_race_lost_in_the_database_is_a_409_not_a_500(
    client_for, alice, person_a, monkeypatch
):
    """Two registrations of the same case number at the same instant both pass the service's
    check; PostgreSQL refuses the second. Simulated by skipping the check."""
    from beneficiaries.api import views

    def register_without_check(*, acting_user, **fields):
        return Beneficiary.objects.create(organisation=person_a.organisation, **fields)

    monkeypatch.setattr(views, "beneficiary_register", register_without_check)
    response = client_for(alice).post(
        "/api/v1/beneficiaries/", {"beneficiary_ref": person_a.beneficiary_ref}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_the_schema_fuzzed_by_schemathesis_is_the_one_served(client_for, alice):
    """tests/api/test_schemathesis.py builds the schema in-process (no user exists when it is
    collected): it must be exactly what the view serves."""
    served = client_for(alice).get("/api/v1/schema/?format=json").json()
    built = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    assert served == built
