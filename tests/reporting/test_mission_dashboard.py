"""The mission dashboard (/rapports/mission/, DESIGN.md §9): the year's persons reached by the
whole mission, by city, region, axis and donor, equal to figures counted by hand on a small
dataset (two projects of two donors sharing a person, an assistance outside any project, one
outside the year); IOM officers only."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import DonorFactory, ProjectFactory, city

D = datetime.date
URL = "/rapports/mission/"
CELLS = ("total", "women", "girls", "men", "boys", "unknown")


@pytest.fixture
def world(project, partner_a, partner_b):
    """2023, by hand:
    - Fatou (woman): JPN-PROT in Oujda on 1 March, EU-INT in Casablanca on 1 May;
    - Moussa (man): no project, in Casablanca on 1 April (and in Oujda in 2022: not this year);
    - Awa (girl): EU-INT in Rabat on 1 June.
    Persons: 3 (1 woman, 1 girl, 1 man). First city: Fatou Oujda, Moussa Casablanca, Awa
    Rabat. Donors: Japan 1 (Fatou), EU 2 (Fatou, Awa); Moussa under none.
    """
    eu = DonorFactory(slug="eu", name="Union européenne")
    eu_project = ProjectFactory(code="EU-INT", donor=eu, partners=[partner_a])
    fatou = BeneficiaryFactory(organisation=partner_a, sex="F", date_of_birth=D(1990, 1, 1))
    moussa = BeneficiaryFactory(organisation=partner_b, sex="M", date_of_birth=D(1985, 1, 1))
    awa = BeneficiaryFactory(organisation=partner_a, sex="F", date_of_birth=D(2012, 1, 1))

    def assist(person, day, where, on_project):
        AssistanceFactory(
            beneficiary=person, delivered_on=day, city=city(where), project=on_project
        )

    assist(fatou, D(2023, 3, 1), "oujda", project)
    assist(fatou, D(2023, 5, 1), "casablanca", eu_project)
    assist(moussa, D(2023, 4, 1), "casablanca", None)
    assist(awa, D(2023, 6, 1), "rabat", eu_project)
    assist(moussa, D(2022, 12, 31), "oujda", None)
    return {"eu": eu_project}


def cells(row):
    return {name: row[name] for name in CELLS}


def test_figures_equal_those_counted_by_hand(client, officer, world, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(20):  # incl. capacity building
        response = client.get(URL, {"year": "2023"})
    assert response.status_code == 200
    data = response.context["data"]

    # The mission counts every project and none, a person once: never 1 + 2 + 1.
    assert cells(data["persons"]) == {
        "total": 3, "women": 1, "girls": 1, "men": 1, "boys": 0, "unknown": 0
    }  # fmt: skip
    assert data["women_and_girls"] == 67
    assert data["cities_reached"] == 3

    # Each person at the city of their first assistance of the year: they add up to 3.
    by_city = {row["code"]: (row["F"], row["M"], row["total"]) for row in data["cities"]}
    assert by_city == {"oujda": (1, 0, 1), "casablanca": (0, 1, 1), "rabat": (1, 0, 1)}
    by_region = {row["code"]: row["total"] for row in data["regions"]}
    assert by_region == {"oriental": 1, "casablanca-settat": 1, "rabat-sale-kenitra": 1}

    # Every assistance is medical: the protection axis (medical sub-theme) holds all three.
    by_axis = {row["code"]: row for row in data["axes"]}
    assert set(by_axis) == {"governance", "protection", "youth"}
    assert by_axis["protection"]["total"] == 3
    assert by_axis["governance"]["total"] == by_axis["youth"]["total"] == 0
    medical = {t["code"]: t["total"] for t in by_axis["protection"]["sub_themes"]}
    assert medical["medical"] == 3 and medical["legal"] == 0

    # Per donor, a person once per donor; Moussa (no project) under none.
    by_donor = {row["name"]: (row["total"], row["projects"]) for row in data["donors"]}
    assert by_donor == {
        "Union européenne": (2, ["EU-INT"]),
        "Ambassade du Japon": (1, ["JPN-PROT"]),
    }
    assert [row["name"] for row in data["donors"]][0] == "Union européenne"  # most first

    body = response.content.decode()
    assert body.count("<svg") == 4  # by city, by region, by axis, by donor
    assert 'id="mission-persons">3<' in body
    assert "première assistance" in body and "chez aucun bailleur" in body


def test_another_year_has_its_own_figures(client, officer, world):
    client.force_login(officer)
    data = client.get(URL, {"year": "2022"}).context["data"]
    assert data["persons"]["total"] == 1  # Moussa on 31 December 2022
    assert [(row["code"], row["total"]) for row in data["cities"]] == [("oujda", 1)]
    # Both projects start in 2023 (ProjectFactory): no donor in 2022.
    assert data["donors"] == []
    assert "Aucun projet en cours sur la période." in client.get(URL, {"year": "2022"}).text


def test_the_current_year_by_default(client, officer, world, frozen_clock):
    frozen_clock(datetime.datetime(2023, 7, 1, 10, tzinfo=ZoneInfo("Africa/Casablanca")))
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["year"] == 2023
    assert response.context["data"]["persons"]["total"] == 3
    assert '<option value="2023" selected>' in response.content.decode()


def test_a_year_out_of_the_list_is_refused(client, officer):
    client.force_login(officer)
    assert client.get(URL, {"year": "1999"}).status_code == 400
    assert client.get(URL, {"year": "x"}).status_code == 400


def test_one_query_more_per_donor_and_no_more(
    client, officer, world, partner_a, django_assert_max_num_queries
):
    """The per-donor loop is one engine pass per donor (bounded by MAX_DONORS)."""
    client.force_login(officer)
    for n in range(3):
        ProjectFactory(donor=DonorFactory(slug=f"donor-{n}"), partners=[partner_a])
    with django_assert_max_num_queries(20 + 3):
        response = client.get(URL, {"year": "2023"})
    assert len(response.context["data"]["donors"]) == 5


def test_donors_beyond_the_bound_are_left_out_and_said(client, officer, world, monkeypatch):
    from reporting import mission_dashboard

    monkeypatch.setattr(mission_dashboard, "MAX_DONORS", 1)
    client.force_login(officer)
    response = client.get(URL, {"year": "2023"})
    assert len(response.context["data"]["donors"]) == 1
    assert "premier bailleur" in response.content.decode()


def test_the_page_in_arabic(client, officer, world):
    client.force_login(officer)
    response = client.get(URL, {"year": "2023"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    names = {row["code"]: row["name"] for row in response.context["data"]["cities"]}
    assert names["oujda"] == "وجدة"


# --- Who sees it ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]


@pytest.mark.parametrize("who", ["alice", "manager_a", "charlie", "donor_user"])
def test_partner_staff_and_donors_are_refused(client, who, request, world):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL, {"year": "2023"})
    assert response.status_code == 403
    assert "Fatou" not in response.content.decode()


def test_officers_reach_it_from_the_dashboard_and_their_home_page(client, officer, alice):
    """The menu's "Tableau de bord" entry covers it (the officer's bar holds no more entries
    on a laptop, tests/browser/test_navigation.py): the dashboard and the home page link it."""
    client.force_login(officer)
    dashboard = client.get("/rapports/").content.decode()
    assert f'id="link-mission" href="{URL}"' in dashboard
    assert f'id="home-mission" href="{URL}"' in client.get("/").content.decode()
    page = client.get(URL).content.decode()
    assert 'href="/rapports/" aria-current="page"' in page
    client.force_login(alice)
    assert URL not in client.get("/").content.decode()
