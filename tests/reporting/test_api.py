"""GET /api/v1/reports/bilan/: the contract of DESIGN.md §4, scoped by role (section 5)."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.test import APIClient

from bilans.rendering import freeze_figures
from reporting.periods import Period, parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import DonorFactory, ProjectFactory

URL = "/api/v1/reports/bilan/"


@pytest.fixture
def data(project, partner_a, partner_b):
    for organisation, n in ((partner_a, 3), (partner_b, 7)):
        for _ in range(n):
            AssistanceFactory(
                beneficiary=BeneficiaryFactory(organisation=organisation),
                project=project,
                delivered_on=datetime.date(2023, 5, 2),
            )
    return project


def get(user, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(URL, params)


def test_officer_gets_the_whole_bilan(officer, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = get(officer, project="JPN-PROT", start="2023-05-01", end="2023-09-30")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"project", "start", "end", "indicators", "capacity_building"}
    assert body["start"] == "2023-05-01"
    medical = body["indicators"]["medical_services"]
    assert medical["unit"] == "services"
    assert medical["total"] == medical["women"] == 10
    assert list(medical["by_age_band"]) == [
        "0-4", "5-11", "12-17", "18-24", "25-59", "60+", "unknown"
    ]  # fmt: skip
    assert "by_country" in body["indicators"]["avrr_returns"]


def test_officer_may_cut_to_an_organisation_and_use_a_quarter(officer, data):
    response = get(officer, project="JPN-PROT", period="2023-Q2", organisation="partner-b")
    assert response.json()["indicators"]["medical_services"]["total"] == 7


def test_partner_manager_gets_its_own_organisations_figures(manager_a, data):
    response = get(manager_a, project="JPN-PROT", period="2023")
    assert response.status_code == 200
    assert response.json()["indicators"]["beneficiaries_reached"]["total"] == 3
    assert (
        get(manager_a, project="JPN-PROT", period="2023", organisation="partner-b").status_code
        == 404
    )


def test_partner_manager_of_a_partner_outside_the_project_gets_404(data, partner_b):
    from partners.choices import Role
    from tests.partners.factories import OrganisationFactory, member

    outsider = member(OrganisationFactory(slug="outsider"), Role.PARTNER_MANAGER)
    assert get(outsider, project="JPN-PROT", period="2023").status_code == 404


def test_donor_sees_only_its_projects_with_small_cells_hidden(donor_user, data):
    data.small_cell_threshold = 5
    data.save(update_fields=["small_cell_threshold"])
    response = get(donor_user, project="JPN-PROT", period="2023")
    assert response.status_code == 200
    medical = response.json()["indicators"]["medical_services"]
    assert medical["total"] == 10
    other = ProjectFactory(code="OTHER", donor=DonorFactory(slug="other-donor"))
    assert get(donor_user, project=other.code, period="2023").status_code == 404
    assert get(donor_user, project="NOPE", period="2023").status_code == 404


# --- donor-facing figures: published shapes only (issue 13) --------------------------------------


@pytest.fixture
def small_cells(data, partner_a):
    """Two men next to the ten women of `data`: cells of 2 that a donor must not see."""
    for _ in range(2):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(organisation=partner_a, sex="M"),
            project=data,
            delivered_on=datetime.date(2023, 5, 3),
        )
    data.small_cell_threshold = 5
    data.save(update_fields=["small_cell_threshold"])
    return data


def _as_json(figures: dict) -> dict:
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"period": "2023-Q2"}, Period(datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))),
        ({"start": "2023-04-01", "end": "2023-06-30"}, parse_period("2023-Q2")),
        ({"period": "2023"}, parse_period("2023")),
        ({"period": "project"}, None),
        ({"start": "2023-01-01", "end": "2026-12-31"}, None),
    ],
)
def test_donor_gets_published_shapes_suppressed_exactly_as_in_the_pdf(
    donor_user, small_cells, params, period
):
    project = small_cells
    period = period or Period(project.start, project.end)
    response = get(donor_user, project=project.code, **params)
    assert response.status_code == 200, response.json()
    body = response.json()
    # The figures the PDF prints are the figures the API gives: one suppression, one k.
    assert body == _as_json(freeze_figures(project, period))
    medical = body["indicators"]["medical_services"]
    assert medical["men"] == "<5"
    assert body["small_cell_threshold"] == 5


@pytest.mark.parametrize(
    ("params", "refused"),
    [
        ({"start": "2023-05-02", "end": "2023-05-02"}, "period"),  # one day
        ({"start": "2023-05-01", "end": "2023-09-30"}, "period"),  # an arbitrary range
        ({"start": "2023-01-01", "end": "2023-06-30"}, "period"),  # a half year
        ({"period": "2023-05"}, "period"),  # a month
        ({"period": "2031-Q1"}, "period"),  # a quarter outside the project
        ({"period": "2023", "organisation": "partner-a"}, "organisation"),  # one partner
        ({"period": "2023", "city": "casablanca"}, "city"),
        ({"period": "2023", "population": "migrant"}, "population"),
        ({"period": "2023", "small_cell_threshold": "0"}, "small_cell_threshold"),
        ({"period": "2023", "k": "1"}, "k"),
    ],
)
def test_donor_is_refused_ranges_and_cuts_with_what_it_may_ask(
    donor_user, small_cells, params, refused
):
    response = get(donor_user, project=small_cells.code, **params)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [refused]
    message = " ".join(body[refused])
    assert "trimestre civil" in message and "année civile" in message
    assert "du 2023-01-01 au 2026-12-31" in message


def test_donor_asking_a_project_it_does_not_fund_gets_404_whatever_it_asks(donor_user, data):
    other = ProjectFactory(code="OTHER", donor=DonorFactory(slug="other-donor"))
    for params in (
        {"period": "2023"},
        {"start": "2023-05-02", "end": "2023-05-02"},
        {"period": "2023", "organisation": "partner-a"},
    ):
        assert get(donor_user, project=other.code, **params).status_code == 404


def test_officer_still_gets_any_range_and_cut_without_suppression(officer, small_cells):
    response = get(
        officer,
        project=small_cells.code,
        start="2023-05-03",
        end="2023-05-03",
        organisation="partner-a",
        population="all",
    )
    assert response.status_code == 200
    medical = response.json()["indicators"]["medical_services"]
    assert medical["total"] == medical["men"] == 2
    assert get(officer, project=small_cells.code, period="2023-05").status_code == 200


def test_partner_manager_keeps_arbitrary_ranges_of_its_own_figures(manager_a, small_cells):
    response = get(manager_a, project=small_cells.code, start="2023-05-02", end="2023-05-03")
    assert response.status_code == 200
    assert response.json()["indicators"]["medical_services"]["total"] == 5


def test_caseworker_is_refused_and_anonymous_must_sign_in(alice, data):
    assert get(alice, project="JPN-PROT", period="2023").status_code == 403
    assert get(None, project="JPN-PROT", period="2023").status_code == 401


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"project": "JPN-PROT"}, "Donnez « period », ou « start » et « end »."),
        ({"project": "JPN-PROT", "period": "2023-Q9"}, "Période invalide « 2023-Q9 »"),
        ({"project": "JPN-PROT", "start": "2023-05-01"}, "Donnez « period », ou « start »"),
        (
            {"project": "JPN-PROT", "start": "2023-09-01", "end": "2023-05-01"},
            "La fin de la période précède son début.",
        ),
        (
            {"project": "JPN-PROT", "period": "2023", "start": "2023-01-01", "end": "2023-02-01"},
            "pas les deux",
        ),
    ],
)
def test_bad_periods_answer_400_with_a_message(officer, data, params, message):
    response = get(officer, **params)
    assert response.status_code == 400
    assert message in " ".join(response.json()["non_field_errors"])
