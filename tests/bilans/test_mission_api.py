"""GET /api/v1/reports/bilan/?scope=mission (issue 15, DESIGN.md §9): the mission's JSON for
IOM staff; 403 for every other role (as a caseworker asking for a project's bilan), 401 for
an anonymous caller; the project bilan's contract unchanged."""

import pytest
from rest_framework.test import APIClient

from reporting.engine import mission_bilan
from reporting.periods import parse_period

URL = "/api/v1/reports/bilan/"


def get(user, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(URL, params)


def test_an_officer_gets_the_missions_json(officer, mission_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = get(officer, scope="mission", period="2023")
    assert response.status_code == 200
    data = response.json()
    assert data == mission_bilan(parse_period("2023"))
    assert (data["scope"], data["start"], data["end"]) == ("mission", "2023-01-01", "2023-12-31")
    assert data["indicators"]["beneficiaries_reached"]["total"] == 6
    assert set(data["by_axis"]) == {"governance", "protection", "youth"}
    assert data["by_city"]["tanger"] == {"F": 0, "M": 1, "unknown": 0}


def test_start_and_end_and_a_population(officer, mission_data):
    data = get(officer, scope="mission", start="2023-01-01", end="2023-06-30").json()
    assert (data["start"], data["end"]) == ("2023-01-01", "2023-06-30")
    assert data["indicators"]["beneficiaries_reached"]["total"] == 3  # woman, girl, man
    assert get(officer, scope="mission", period="2023", population="national").status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"scope": "mission"},  # no period
        {"scope": "mission", "period": "project"},
        {"scope": "mission", "period": "2023", "project": "JPN-PROT"},
        {"scope": "mission", "period": "2023", "organisation": "partner-a"},
        {"scope": "region", "period": "2023"},
        {"period": "2023"},  # a project bilan without its project
    ],
)
def test_a_bad_question_gets_400(officer, project, params):
    assert get(officer, **params).status_code == 400


@pytest.mark.parametrize("who", ["alice", "manager_a", "charlie", "donor_user"])
def test_nobody_else_gets_it(request, who, mission_data):
    response = get(request.getfixturevalue(who), scope="mission", period="2023")
    assert response.status_code == 403
    assert "personnel de l'OIM" in response.json()["detail"]
    # Not even by asking badly: the role is refused before the question is read.
    assert get(request.getfixturevalue(who), scope="mission").status_code == 403


def test_anonymous_callers_must_sign_in(mission_data):
    assert get(None, scope="mission", period="2023").status_code == 401


def test_the_project_bilan_is_unchanged(officer, donor_user, mission_data, project):
    data = get(officer, project="JPN-PROT", period="2023").json()
    assert data["project"] == "JPN-PROT" and "by_axis" not in data
    assert data["indicators"]["beneficiaries_reached"]["total"] == 3  # woman, boy, unknown
    assert get(donor_user, scope="project", project="JPN-PROT", period="2023").status_code == 200
