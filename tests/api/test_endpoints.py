"""What a partner's program does through the API, end to end, on the services."""

import datetime

import pytest

from assistance.models import Assistance, Referral
from assistance.returns.services import return_case_advance, return_case_open
from beneficiaries.models import Beneficiary, BeneficiaryAccess
from core.models import AuditEntry
from partners.models import Project
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory


def test_register_a_person_owner_and_author_come_from_the_request(
    client_for, alice, partner_a, partner_b
):
    response = client_for(alice).post(
        "/api/v1/beneficiaries/",
        {
            "beneficiary_ref": "N-1",
            "first_name": "Awa",
            "sex": "F",
            "birth_year": 1990,
            "nationality": "Côte d'Ivoire",
            "city": "oujda",
            "vulnerabilities": ["gbv"],
            # Mass assignment attempts: ignored.
            "organisation": partner_b.slug,
            "created_by": 999,
            "version": 42,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["organisation"], body["nationality"], body["version"]) == ("partner-a", "CI", 1)
    person = Beneficiary.objects.get(pk=body["id"])
    assert person.organisation == partner_a
    assert person.created_by == alice
    assert AuditEntry.objects.filter(model="beneficiaries.beneficiary", action="create").exists()


def test_filters_are_the_pages_filtersets(client_for, alice, partner_a):
    BeneficiaryFactory(organisation=partner_a, last_name="Diallo", sex="F", beneficiary_ref="F-1")
    BeneficiaryFactory(organisation=partner_a, last_name="Camara", sex="M", beneficiary_ref="F-2")
    client = client_for(alice)
    by_sex = client.get("/api/v1/beneficiaries/", {"sex": "M"}).json()
    assert [p["beneficiary_ref"] for p in by_sex["results"]] == ["F-2"]
    by_name = client.get("/api/v1/beneficiaries/", {"q": "dialo"}).json()
    assert [p["beneficiary_ref"] for p in by_name["results"]] == ["F-1"]
    ordered = client.get("/api/v1/beneficiaries/", {"ordering": "-beneficiary_ref"}).json()
    assert [p["beneficiary_ref"] for p in ordered["results"]] == ["F-2", "F-1"]
    bad = client.get("/api/v1/beneficiaries/", {"sex": "Z"})
    assert bad.status_code == 400
    assert "sex" in bad.json()


def test_assistance_filters(client_for, alice, person_a, project):
    AssistanceFactory(beneficiary=person_a, category="food", subtype="meal", project=project)
    AssistanceFactory(beneficiary=person_a, category="medical", subtype="exam")
    client = client_for(alice)
    food = client.get("/api/v1/assistances/", {"category": "food"}).json()
    assert [a["subtype"] for a in food["results"]] == ["meal"]
    in_project = client.get("/api/v1/assistances/", {"project": project.code}).json()
    assert in_project["count"] == 1
    mine = client.get("/api/v1/assistances/", {"beneficiary": person_a.pk}).json()
    assert mine["count"] == 2


def test_record_an_assistance_rules_come_back_per_field(client_for, alice, person_a, project):
    client = client_for(alice)
    wrong_subtype = client.post(
        "/api/v1/assistances/",
        {"beneficiary": person_a.pk, "category": "food", "subtype": "consultation"},
        format="json",
    )
    assert wrong_subtype.status_code == 400
    assert "subtype" in wrong_subtype.json()
    out_of_period = client.post(
        "/api/v1/assistances/",
        {
            "beneficiary": person_a.pk,
            "category": "medical",
            "subtype": "consultation",
            "project": project.code,
            "delivered_on": "2020-01-01",
        },
        format="json",
    )
    assert out_of_period.status_code == 400
    assert "project" in out_of_period.json()
    assert not Assistance.objects.filter(beneficiary=person_a).exists()


def test_referral_accepted_gives_the_receiving_partner_the_person(
    client_for, alice, charlie, person_a, partner_b
):
    created = client_for(alice).post(
        "/api/v1/referrals/",
        {
            "beneficiary": person_a.pk,
            "to_organisation": partner_b.slug,
            "category": "psychosocial",
            "consent": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    referral_id = created.json()["id"]
    charlie_client = client_for(charlie)
    assert charlie_client.get(f"/api/v1/beneficiaries/{person_a.pk}/").status_code == 404
    # Only the receiving partner answers.
    assert client_for(alice).post(f"/api/v1/referrals/{referral_id}/accept/").status_code == 403
    accepted = charlie_client.post(f"/api/v1/referrals/{referral_id}/accept/")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert charlie_client.get(f"/api/v1/beneficiaries/{person_a.pk}/").status_code == 200
    again = charlie_client.post(f"/api/v1/referrals/{referral_id}/decline/")
    assert again.status_code == 400
    outcome = charlie_client.post(
        f"/api/v1/referrals/{referral_id}/outcome/", {"outcome": "service_received"}
    )
    assert outcome.status_code == 200
    assert outcome.json()["outcome"] == "service_received"
    # The partner that received the person cannot rewrite the owner's record.
    refused = charlie_client.patch(
        f"/api/v1/beneficiaries/{person_a.pk}/", {"first_name": "X", "version": 1}, format="json"
    )
    assert refused.status_code == 403


def test_public_health_referral_records_the_counted_assistance(client_for, alice, person_a):
    created = client_for(alice).post(
        "/api/v1/referrals/",
        {
            "beneficiary": person_a.pk,
            "to_structure": "CHU Mohammed VI",
            "category": "medical",
            "consent": True,
        },
        format="json",
    )
    assert created.status_code == 201
    referral = Referral.objects.get(pk=created.json()["id"])
    assert referral.assistance.subtype == "referral_public_health"
    no_consent = client_for(alice).post(
        "/api/v1/referrals/",
        {"beneficiary": person_a.pk, "to_structure": "CHU", "category": "medical"},
        format="json",
    )
    assert no_consent.status_code == 400
    assert "consent" in no_consent.json()


def test_return_case_advances_and_records_the_return(client_for, alice, person_a, project):
    client = client_for(alice)
    opened = client.post(
        "/api/v1/return-cases/",
        {"beneficiary": person_a.pk, "country": "Sénégal", "opened_on": "2023-05-01"},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    case_id = opened.json()["id"]
    assert opened.json()["country"] == "SN"
    advanced = client.post(
        f"/api/v1/return-cases/{case_id}/advance/",
        {"stage": "returned", "on": "2023-06-01"},
        format="json",
    )
    assert advanced.status_code == 200, advanced.json()
    assert advanced.json()["returned_on"] == "2023-06-01"
    assert Assistance.objects.filter(
        beneficiary=person_a, subtype="return_from_morocco", country="SN"
    ).exists()
    backwards = client.post(
        f"/api/v1/return-cases/{case_id}/advance/", {"stage": "counselling"}, format="json"
    )
    assert backwards.status_code == 400


@pytest.mark.parametrize("stage", ["cancelled", "closed"])
def test_a_partner_cannot_cancel_or_close_a_case_iom_opened_for_its_person(
    client_for, alice, officer, person_a, stage
):
    case = return_case_open(
        beneficiary=person_a, country="GN", acting_user=officer, opened_on=datetime.date(2023, 5, 1)
    )
    return_case_advance(
        return_case=case, stage="returned", acting_user=officer, on=datetime.date(2023, 6, 1)
    )
    client = client_for(alice)
    assert client.get(f"/api/v1/return-cases/{case.pk}/").status_code == 200
    answer = client.post(
        f"/api/v1/return-cases/{case.pk}/advance/", {"stage": stage}, format="json"
    )
    assert answer.status_code == 403
    case.refresh_from_db()
    assert (case.stage, case.closed_on, case.version) == ("returned", None, 2)


def test_projects_are_read_only_except_for_iom(client_for, alice, officer, donor_user, project):
    body = {
        "code": "NEW-1",
        "title": "Nouveau projet",
        "donor": "japan",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "partners": ["partner-a"],
        "cities": ["oujda"],
    }
    assert client_for(alice).post("/api/v1/projects/", body, format="json").status_code == 403
    assert client_for(donor_user).get("/api/v1/projects/").json()["count"] == 1
    created = client_for(officer).post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["partners"] == ["partner-a"]
    project_id = created.json()["id"]
    renamed = client_for(officer).patch(
        f"/api/v1/projects/{project_id}/", {"title": "Renommé"}, format="json"
    )
    assert renamed.status_code == 200
    assert Project.objects.get(pk=project_id).title == "Renommé"
    recode = client_for(officer).patch(
        f"/api/v1/projects/{project_id}/", {"code": "OTHER"}, format="json"
    )
    assert recode.status_code == 400
    duplicate = client_for(officer).post("/api/v1/projects/", body, format="json")
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()
    # A partner that implements the project reads it, but may not change it.
    refused = client_for(alice).patch(
        f"/api/v1/projects/{project_id}/", {"title": "X"}, format="json"
    )
    assert refused.status_code == 403


def test_donor_reads_organisations_not_people(client_for, donor_user, project, person_a):
    client = client_for(donor_user)
    slugs = {o["slug"] for o in client.get("/api/v1/organisations/").json()["results"]}
    assert slugs == {"japan", "partner-a", "partner-b"}
    for url in ("/api/v1/beneficiaries/", f"/api/v1/beneficiaries/{person_a.pk}/"):
        assert client.get(url).status_code == 403


def test_a_persons_assistances_nested_route(client_for, alice, charlie, person_a, partner_b):
    own = AssistanceFactory(beneficiary=person_a, category="food", subtype="meal")
    by_b = AssistanceFactory(
        beneficiary=person_a, provider=partner_b, category="legal", subtype="legal_counsel"
    )
    url = f"/api/v1/beneficiaries/{person_a.pk}/assistances/"
    listed = client_for(alice).get(url).json()
    assert {a["id"] for a in listed["results"]} == {own.pk, by_b.pk}
    # Charlie sees nothing of the person until a referral to B is accepted...
    assert client_for(charlie).get(url).status_code == 404
    BeneficiaryAccess.objects.create(beneficiary=person_a, organisation=partner_b)
    # ...then only what B may see: the services B delivered.
    shared = client_for(charlie).get(url).json()
    assert [a["id"] for a in shared["results"]] == [by_b.pk]


def test_duplicate_check_before_registering(client_for, alice, charlie, donor_user, partner_a):
    person = BeneficiaryFactory(
        organisation=partner_a,
        first_name="Mamadou",
        last_name="Diallo",
        birth_year=1990,
        date_of_birth=None,
        beneficiary_ref="D-1",
    )
    query = {"first_name": "Mamadu", "last_name": "Dialo", "birth_year": 1991}
    found = client_for(alice).get("/api/v1/beneficiaries/duplicates/", query)
    assert found.status_code == 200
    assert [m["id"] for m in found.json()["matches"]] == [person.pk]
    # Another partner learns only that someone similar is on file elsewhere.
    elsewhere = client_for(charlie).get("/api/v1/beneficiaries/duplicates/", query).json()
    assert elsewhere == {"matches": [], "elsewhere": True}
    assert client_for(donor_user).get("/api/v1/beneficiaries/duplicates/", query).status_code == 403
    bad = client_for(alice).get("/api/v1/beneficiaries/duplicates/", {"birth_year": "x"})
    assert bad.status_code == 400
