"""`GET /api/v1/projects/{id}/targets/`: read only, scoped like the project."""

import pytest
from rest_framework.test import APIClient

from tests.results.factories import ExpectedResultFactory, TargetFactory


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def target(project, partner_a):
    return TargetFactory(
        result=ExpectedResultFactory(project=project, statement_fr="Accès aux soins"),
        organisation=partner_a,
        target_total=20,
        target_female=12,
    )


@pytest.mark.parametrize("who", ["officer", "alice", "donor_user"])
def test_the_project_s_targets_with_achieved(request, project, target, deliveries, who):
    response = client_for(request.getfixturevalue(who)).get(
        f"/api/v1/projects/{project.pk}/targets/"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["project"] == project.code
    (row,) = body["targets"]
    assert (row["indicator"], row["organisation"], row["target"]) == (
        "beneficiaries_reached",
        "partner-a",
        20,
    )
    # partner A reached 2 women and 1 man in 2023 (tests/results/conftest.py), all in the
    # project's period so far.
    assert (row["achieved"], row["achieved_female"], row["percent"]) == (3, 2, 15)


@pytest.mark.parametrize("who", ["outsider", "other_donor_user"])
def test_out_of_scope_is_a_404(request, project, target, who):
    response = client_for(request.getfixturevalue(who)).get(
        f"/api/v1/projects/{project.pk}/targets/"
    )
    assert response.status_code == 404


def test_anonymous_is_refused(project, target):
    assert client_for(None).get(f"/api/v1/projects/{project.pk}/targets/").status_code in (
        401,
        403,
    )


def test_read_only(project, target, officer):
    response = client_for(officer).post(f"/api/v1/projects/{project.pk}/targets/", {})
    assert response.status_code == 405
