"""The case-work API (DESIGN.md section 7): cases, their status, plan and follow-ups.
Confidential notes and documents: test_api_confidential.py; every route × role:
tests/api/test_tenancy_matrix.py."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case, CaseTransition, FollowUp, Goal
from cases.services import assessment_record, followup_add, goal_add
from core.models import AuditEntry
from partners.choices import Role
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.cases.api.data import OPENED
from tests.partners.factories import member

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def _state(case) -> dict:
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "transitions": CaseTransition.objects.filter(case=case).count(),
        "followups": FollowUp.objects.filter(case=case).count(),
        "goals": Goal.objects.filter(case=case).count(),
    }


# --- Open, read, list --------------------------------------------------------------------------


def test_a_caseworker_opens_a_case_held_by_their_organisation(api, alice, person, partner_a):
    response = api(alice).post(
        CASES,
        {"beneficiary": person.pk, "risk_level": "high", "opened_on": "2024-02-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"] == partner_a.slug
    assert body["assigned_to"] == alice.pk  # the opener, by default
    assert (body["status"], body["risk_level"], body["opened_on"]) == ("open", "high", "2024-02-01")
    assert body["goals"] == [] and body["latest_assessment"] is None
    assert "notes" not in body and "documents" not in body
    assert response["ETag"] == '"1"'
    case = Case.objects.get(pk=body["id"])
    assert AuditEntry.objects.filter(object_id=str(case.pk), action="create").exists()


def test_a_second_open_case_for_the_same_person_is_refused(api, alice, case):
    response = api(alice).post(CASES, {"beneficiary": case.beneficiary_id}, format="json")
    assert response.status_code == 400
    assert "dossier ouvert" in str(response.json())
    assert Case.objects.count() == 1


def test_another_partners_person_is_not_found(api, charlie, person):
    response = api(charlie).post(CASES, {"beneficiary": person.pk}, format="json")
    assert response.status_code == 400
    assert "introuvable ou hors de votre périmètre" in response.json()["beneficiary"][0]
    assert not Case.objects.exists()


def test_a_case_is_never_given_to_another_organisations_user(api, alice, charlie, person):
    response = api(alice).post(
        CASES, {"beneficiary": person.pk, "assigned_to": charlie.pk}, format="json"
    )
    assert response.status_code == 400
    assert "introuvable ou hors de votre périmètre" in response.json()["assigned_to"][0]
    assert not Case.objects.exists()


def test_a_former_colleague_is_not_given_a_case(api, manager_a, partner_a, case):
    """A member whose membership ended is not found either, and nothing changes."""
    former = member(partner_a, Role.CASEWORKER, username="former")
    former.membership.is_active = False
    former.membership.save(update_fields=["is_active"])
    before = _state(case)
    response = api(manager_a).patch(
        f"{CASES}{case.pk}/", {"assigned_to": former.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "introuvable ou hors de votre périmètre" in response.json()["assigned_to"][0]
    assert _state(case) == before


def test_a_case_shows_its_goals_and_latest_assessment(api, alice, case):
    assessment_record(
        case=case, acting_user=alice, needs=["food"], assessed_on=datetime.date(2024, 3, 2)
    )
    assessment_record(
        case=case,
        acting_user=alice,
        needs=["medical", "legal"],
        vulnerabilities=["pregnant"],
        summary="Suivi médical",
        assessed_on=datetime.date(2024, 3, 5),
    )
    goal_add(case=case, acting_user=alice, title="Consultation", services=["medical"])
    body = api(alice).get(f"{CASES}{case.pk}/").json()
    assert body["latest_assessment"]["needs"] == ["legal", "medical"]
    assert body["latest_assessment"]["assessed_on"] == "2024-03-05"
    assert [g["title"] for g in body["goals"]] == ["Consultation"]
    assert body["goals"][0]["services"] == ["medical"]


def test_the_list_filters_and_pages(api, alice, bob, partner_a, case):
    other = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-CASE-2")
    client = api(alice)
    bobs = client.post(
        CASES, {"beneficiary": other.pk, "risk_level": "critical"}, format="json"
    ).json()
    Case.objects.filter(pk=bobs["id"]).update(assigned_to=bob)

    def ids(**query):
        response = client.get(CASES, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert sorted(ids()) == sorted([case.pk, bobs["id"]])
    assert ids(risk_level="critical") == [bobs["id"]]
    assert ids(assigned_to="me") == [case.pk]
    assert ids(assigned_to=str(bob.pk)) == [bobs["id"]]
    assert ids(beneficiary=case.beneficiary_id) == [case.pk]
    assert ids(status="closed") == []
    assert client.get(CASES, {"assigned_to": "someone"}).status_code == 400
    assert client.get(CASES, {"page_size": 1}).json()["count"] == 2


def test_the_list_runs_a_bounded_number_of_queries(
    api, alice, partner_a, django_assert_max_num_queries
):
    for n in range(12):
        person = BeneficiaryFactory(organisation=partner_a, beneficiary_ref=f"A-Q-{n}")
        response = api(alice).post(CASES, {"beneficiary": person.pk}, format="json")
        case = Case.objects.get(pk=response.json()["id"])
        assessment_record(case=case, acting_user=alice, needs=["food"])
        goal = goal_add(case=case, acting_user=alice, title=f"Objectif {n}")
        goal.assistances.add(AssistanceFactory(beneficiary=person))
        followup_add(case=case, acting_user=alice, due_on=case.opened_on, action="Appeler")
    client = api(alice)
    with django_assert_max_num_queries(8):
        response = client.get(CASES, {"page_size": 200})
    assert len(response.json()["results"]) == 12
    assert all(row["latest_assessment"] and row["goals"] for row in response.json()["results"])
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/followups/", {"page_size": 200})
    assert len(response.json()["results"]) == 12


# --- Update with the version rule --------------------------------------------------------------


def test_risk_and_assignee_change_with_the_version(api, alice, bob, manager_a, case):
    url = f"{CASES}{case.pk}/"
    response = api(alice).patch(url, {"risk_level": "high", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["risk_level"], response.json()["version"]) == ("high", 2)
    assert response["ETag"] == '"2"'
    response = api(manager_a).put(
        url, {"risk_level": "medium", "assigned_to": bob.pk}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert (case.assigned_to, case.risk_level, case.version) == (bob, "medium", 3)


def test_a_stale_version_gets_409_and_changes_nothing(api, alice, bob, case):
    url = f"{CASES}{case.pk}/"
    assert (
        api(bob).patch(url, {"risk_level": "high", "version": 1}, format="json").status_code == 200
    )
    stale = api(alice).patch(url, {"risk_level": "low", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["risk_level"] == "high"
    assert stale["ETag"] == '"2"'
    case.refresh_from_db()
    assert (case.risk_level, case.version) == ("high", 2)


def test_an_update_without_version_is_refused(api, alice, case):
    before = _state(case)
    response = api(alice).patch(f"{CASES}{case.pk}/", {"risk_level": "high"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    assert _state(case) == before


def test_a_caseworker_does_not_give_a_case_to_a_colleague(api, alice, bob, case):
    before = _state(case)
    response = api(alice).patch(
        f"{CASES}{case.pk}/", {"assigned_to": bob.pk, "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert _state(case) == before


# --- Close and reopen -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "bored"}, "reason"),
        ({"reason": "other"}, "closure_note"),
        ({"reason": "goals_met", "closed_on": "2024-02-01"}, "closed_on"),
    ],
)
def test_closing_without_a_good_reason_changes_nothing(api, alice, case, body, field):
    before = _state(case)
    response = api(alice).post(f"{CASES}{case.pk}/close/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert _state(case) == before


def test_close_then_reopen(api, alice, case):
    client = api(alice)
    response = client.post(
        f"{CASES}{case.pk}/close/",
        {"reason": "other", "note": "Parti·e à Rabat", "closed_on": "2024-04-01"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["closure_reason"], body["closed_on"]) == (
        "closed",
        "other",
        "2024-04-01",
    )
    assert body["closure_note"] == "Parti·e à Rabat"
    assert client.get(CASES, {"status": "closed"}).json()["count"] == 1

    before = _state(case)
    refused = client.post(f"{CASES}{case.pk}/reopen/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert _state(case) == before

    response = client.post(
        f"{CASES}{case.pk}/reopen/", {"reason": "Revenu·e à Oujda"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["closure_reason"]) == ("open", "")
    kinds = list(case.transitions.order_by("pk").values_list("kind", "reason"))
    assert kinds == [
        ("opened", ""),
        ("closed", "Parti·e à Rabat"),
        ("reopened", "Revenu·e à Oujda"),
    ]


def test_reopening_an_open_case_is_refused(api, alice, case):
    before = _state(case)
    response = api(alice).post(f"{CASES}{case.pk}/reopen/", {"reason": "x"}, format="json")
    assert response.status_code == 400
    assert _state(case) == before


def test_an_officer_reads_a_partners_case_but_does_not_close_it(api, officer, case):
    before = _state(case)
    assert api(officer).get(f"{CASES}{case.pk}/").status_code == 200
    response = api(officer).post(f"{CASES}{case.pk}/close/", {"reason": "goals_met"})
    assert response.status_code == 403
    assert _state(case) == before


# --- Follow-ups -------------------------------------------------------------------------------


def test_a_followup_due_before_the_opening_is_refused(api, alice, case):
    before = _state(case)
    response = api(alice).post(
        f"{CASES}{case.pk}/followups/",
        {"due_on": (OPENED - datetime.timedelta(days=1)).isoformat(), "action": "Appeler"},
        format="json",
    )
    assert response.status_code == 400
    assert "avant l'ouverture" in response.json()["due_on"][0]
    assert _state(case) == before


def test_a_followup_for_another_organisations_user_is_refused(api, alice, charlie, case):
    before = _state(case)
    response = api(alice).post(
        f"{CASES}{case.pk}/followups/",
        {"due_on": "2024-03-10", "action": "Appeler", "assignee": charlie.pk},
        format="json",
    )
    assert response.status_code == 400 and "assignee" in response.json()
    assert _state(case) == before


def test_followups_planned_listed_and_completed(api, alice, bob, case):
    client = api(alice)
    url = f"{CASES}{case.pk}/followups/"
    early = client.post(url, {"due_on": "2024-03-10", "action": "Appeler"}, format="json")
    assert early.status_code == 201, early.json()
    assert early.json()["assignee"] == alice.pk  # the case's caseworker by default
    assert early.json()["overdue"] is True
    late = client.post(
        url, {"due_on": "2024-05-10", "action": "Visite", "assignee": bob.pk}, format="json"
    ).json()
    assert [f["id"] for f in client.get(url).json()["results"]] == [early.json()["id"], late["id"]]

    def mine(user, **query):
        response = api(user).get("/api/v1/followups/", query)
        assert response.status_code == 200, response.json()
        return [f["id"] for f in response.json()["results"]]

    assert mine(alice, assignee="me") == [early.json()["id"]]
    assert mine(bob, assignee="me") == [late["id"]]
    assert mine(alice, due_before="2024-04-01") == [early.json()["id"]]
    assert mine(alice, due_before="2024-03-10") == []

    done = api(alice).post(
        f"/api/v1/followups/{early.json()['id']}/complete/",
        {"result": "Joint·e", "done_on": "2024-03-11"},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["done_on"], done.json()["overdue"]) == ("2024-03-11", False)
    assert mine(alice, assignee="me") == []  # pending by default
    assert mine(alice, assignee="me", done="true") == [early.json()["id"]]
    again = api(alice).post(f"/api/v1/followups/{early.json()['id']}/complete/", {})
    assert again.status_code == 400


def test_another_partner_sees_no_followup(api, alice, charlie, case):
    followup = followup_add(case=case, acting_user=alice, due_on=OPENED, action="Appeler")
    assert api(charlie).get("/api/v1/followups/").json()["results"] == []
    assert api(charlie).get(f"/api/v1/followups/{followup.pk}/").status_code == 404
    response = api(charlie).post(f"/api/v1/followups/{followup.pk}/complete/", {})
    assert response.status_code == 404
    followup.refresh_from_db()
    assert followup.done_on is None


# --- Assessments and goals --------------------------------------------------------------------


def test_assessment_and_goals_through_the_api(api, alice, case, person):
    client = api(alice)
    response = client.post(
        f"{CASES}{case.pk}/assessments/",
        {"needs": ["medical", "food"], "vulnerabilities": ["pregnant"], "summary": "Enceinte"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["needs"] == ["food", "medical"]
    assert client.get(f"{CASES}{case.pk}/assessments/").json()["count"] == 1

    bad = client.post(f"{CASES}{case.pk}/goals/", {"title": "X", "services": ["flying"]})
    assert bad.status_code == 400
    response = client.post(
        f"{CASES}{case.pk}/goals/",
        {"title": "Suivi de grossesse", "services": ["medical"], "target_date": "2024-06-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    goal = response.json()
    assert goal["status"] == "planned"

    assistance = AssistanceFactory(beneficiary=person, category="medical", subtype="consultation")
    linked = client.post(
        f"/api/v1/goals/{goal['id']}/assistances/", {"assistance": assistance.pk}, format="json"
    )
    assert linked.status_code == 200, linked.json()
    assert (linked.json()["assistances"], linked.json()["status"]) == (
        [assistance.pk],
        "in_progress",
    )
    patched = client.patch(f"/api/v1/goals/{goal['id']}/", {"status": "achieved"}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["status"] == "achieved"
    assert client.get(f"{CASES}{case.pk}/").json()["goals"][0]["status"] == "achieved"


def test_a_goal_of_another_partner_is_not_found(api, alice, charlie, case):
    goal = goal_add(case=case, acting_user=alice, title="Objectif")
    response = api(charlie).patch(f"/api/v1/goals/{goal.pk}/", {"status": "dropped"})
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.status == "planned"
