"""The reporting pages: dashboard, drill-down, exports, data quality."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from reporting.periods import Period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(project, partner_a, partner_b):
    girl = BeneficiaryFactory(
        organisation=partner_a, first_name="Awa", sex="F", date_of_birth=D(2010, 1, 1),
        nationality="GN",
    )  # fmt: skip
    man = BeneficiaryFactory(
        organisation=partner_b, first_name="Moussa", sex="M", date_of_birth=D(1980, 1, 1),
        nationality="GN",
    )  # fmt: skip
    AssistanceFactory(beneficiary=girl, project=project, delivered_on=D(2023, 5, 1))
    AssistanceFactory(beneficiary=girl, project=project, delivered_on=D(2023, 6, 1))
    AssistanceFactory(
        beneficiary=man, project=project, delivered_on=D(2023, 5, 3), category="avrr",
        subtype="return_from_morocco", country="GN",
    )  # fmt: skip
    return {"girl": girl, "man": man, "project": project}


QUERY = {"project": "JPN-PROT", "period": "2023-Q2"}


def test_dashboard_shows_the_table_and_every_chart_in_bounded_queries(
    client, officer, world, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        response = client.get("/rapports/", QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bénéficiaires atteints" in body
    assert body.count("<svg") == 6  # indicators, trend, pyramid, partner, city, AVRR country
    assert "/rapports/assistances/?" in body and "cell=girls" in body


def test_dashboard_query_count_does_not_grow_with_data(
    client, officer, world, partner_a, django_assert_max_num_queries
):
    for i in range(15):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(organisation=partner_a),
            project=world["project"],
            delivered_on=D(2023, 4, 1 + i),
        )
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        assert client.get("/rapports/", QUERY).status_code == 200


def casablanca(*args) -> datetime.datetime:
    """A moment in Morocco (UTC+1 outside Ramadan)."""
    return datetime.datetime(*args, tzinfo=ZoneInfo("Africa/Casablanca"))


def trend_months(response) -> list[str]:
    """The months the monthly trend plots, from its accessible description."""
    desc = ET.fromstring(str(response.context["data"]["charts"]["trend"])).find(f"{SVG}desc")  # noqa: S314
    return [point.rsplit(" ", 1)[0] for point in desc.text.split(": ", 1)[1].split(", ")]


def test_dashboard_without_filters_uses_the_current_year(client, officer, world, frozen_clock):
    # 23:30 UTC on 31 December 2022 is already 2023 in Casablanca.
    frozen_clock(datetime.datetime(2022, 12, 31, 23, 30, tzinfo=datetime.UTC))
    client.force_login(officer)
    response = client.get("/rapports/")
    assert response.context["period"] == Period(D(2023, 1, 1), D(2023, 12, 31))
    body = response.content.decode()
    assert "Du 1 janvier 2023 au 31 décembre 2023 inclus." in body
    reached = next(
        r for r in response.context["data"]["rows"] if r["code"] == "beneficiaries_reached"
    )
    assert reached["cells"][0]["value"] == 2  # the girl and the man, both assisted in 2023


def test_monthly_trend_stops_at_the_current_month(client, officer, world, frozen_clock):
    client.force_login(officer)
    # 1 June 2023, 00:30 in Casablanca (23:30 UTC the day before): June has begun.
    frozen_clock(datetime.datetime(2023, 5, 31, 23, 30, tzinfo=datetime.UTC))
    response = client.get("/rapports/", {"project": "JPN-PROT", "period": "2023"})
    assert trend_months(response) == ["jan. 2023", "fév. 2023", "mars 2023", "avr. 2023",
                                      "mai 2023", "juin 2023"]  # fmt: skip
    # The period's end comes first: the whole quarter, and nothing after it.
    frozen_clock(casablanca(2024, 3, 10, 12, 0))
    response = client.get("/rapports/", QUERY)
    assert trend_months(response) == ["avr. 2023", "mai 2023", "juin 2023"]
    # A period that has not begun has no trend yet: the chart says so.
    frozen_clock(casablanca(2023, 3, 15, 12, 0))
    trend = str(client.get("/rapports/", QUERY).context["data"]["charts"]["trend"])
    assert "Aucune donnée sur la période." in trend and "<polyline" not in trend


def test_dashboard_reports_bad_filters(client, officer, world):
    client.force_login(officer)
    response = client.get("/rapports/", {"period": "2023-Q9"})
    assert response.status_code == 200
    assert "Période invalide" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "donor_user", "manager_a"])
def test_dashboard_is_for_iom_officers(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/rapports/", QUERY).status_code == 403
    assert client.get("/rapports/qualite/").status_code == 403
    assert client.get("/rapports/indicateurs.csv", QUERY).status_code == 403


def test_drilldown_lists_the_rows_behind_a_figure(client, officer, world):
    client.force_login(officer)
    url = "/rapports/assistances/"
    girls = client.get(url, {**QUERY, "indicator": "medical_persons", "cell": "girls"})
    assert girls.status_code == 200
    assert girls.context["page_obj"].paginator.count == 2  # both rows of the one girl
    men = client.get(url, {**QUERY, "indicator": "medical_services", "cell": "men"})
    assert men.context["page_obj"].paginator.count == 0
    band = client.get(url, {**QUERY, "indicator": "avrr_returns", "band": "36-65"})
    assert [a.beneficiary_id for a in band.context["page_obj"]] == [world["man"].pk]
    country = client.get(url, {**QUERY, "indicator": "avrr_returns", "country": "GN", "sex": "M"})
    assert country.context["page_obj"].paginator.count == 1


def test_drilldown_is_scoped_to_the_viewer(client, charlie, world, django_assert_max_num_queries):
    client.force_login(charlie)
    with django_assert_max_num_queries(12):
        response = client.get(
            "/rapports/assistances/", {**QUERY, "indicator": "assistances_delivered"}
        )
    rows = list(response.context["page_obj"])
    assert [a.beneficiary_id for a in rows] == [world["man"].pk]
    assert "Awa" not in response.content.decode()


def test_a_partners_drilldown_is_classified_by_rows_it_may_see(client, partner_a, charlie, world):
    """A person A registered and referred to B: she was 17 at A's consultation, 18 at B's. B's
    drill-down must not list its row under "girls": that would tell B of A's earlier row."""
    from beneficiaries.models import BeneficiaryAccess

    person = BeneficiaryFactory(organisation=partner_a, sex="F", date_of_birth=D(2005, 5, 15))
    BeneficiaryAccess.objects.create(
        beneficiary=person, organisation=charlie.membership.organisation
    )
    AssistanceFactory(beneficiary=person, project=world["project"], delivered_on=D(2023, 5, 2))
    own = AssistanceFactory(
        beneficiary=person,
        provider=charlie.membership.organisation,
        project=world["project"],
        delivered_on=D(2023, 6, 2),
    )
    client.force_login(charlie)
    url, figure = "/rapports/assistances/", {**QUERY, "indicator": "medical_persons"}
    girls = client.get(url, {**figure, "cell": "girls"})
    assert own not in list(girls.context["page_obj"])
    women = client.get(url, {**figure, "cell": "women"})
    assert own in list(women.context["page_obj"])


def test_donors_never_reach_the_drilldown(client, donor_user, world):
    client.force_login(donor_user)
    response = client.get("/rapports/assistances/", {**QUERY, "indicator": "assistances_delivered"})
    assert response.status_code == 403


def test_drilldown_with_a_bad_link_says_so(client, officer, world):
    client.force_login(officer)
    bad = {"indicator": "nope", "cell": "everyone", "country": "gn"}
    response = client.get("/rapports/assistances/", bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce lien est incomplet ou invalide." in body
    # Which part of the link is wrong, by its label in the page's language, not its key.
    assert "<li>Indicateur : " in body
    assert "<li>Sexe et âge : " in body
    assert "<li>Pays : " in body
    assert "indicator :" not in body and "cell :" not in body
    english = client.get("/rapports/assistances/", bad, HTTP_ACCEPT_LANGUAGE="en").text
    assert "<li>Indicator: " in english and "<li>Country: " in english
    arabic = client.get("/rapports/assistances/", bad, HTTP_ACCEPT_LANGUAGE="ar").text
    assert "<li>المؤشر: " in arabic


def test_quality_records_with_a_bad_link_name_the_wrong_filter(client, officer, world):
    client.force_login(officer)
    response = client.get("/rapports/qualite/no_sex/", {"period": "2023-Q9"})
    assert response.status_code == 400
    assert "<li>Période : " in response.text
    assert "period :" not in response.text


def test_csv_export_has_an_hxl_row_and_neutralised_cells(client, officer, world):
    from reporting.models import Indicator

    Indicator.objects.create(
        code="evil", label_fr="=HYPERLINK(\"http://x\")", label_en="e", label_ar="e",
        unit="persons", categories=["medical"],
    )  # fmt: skip
    client.force_login(officer)
    response = client.get("/rapports/indicateurs.csv", QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("Femmes")] == "#affected+f+adults"
    assert rows[1][rows[0].index("Indicateur")] == "#indicator+name"
    by_code = {row[4]: row for row in rows[2:]}
    assert by_code["medical_persons"][rows[0].index("Filles")] == "1"
    assert by_code["evil"][5] == '\'=HYPERLINK("http://x")'


def test_xlsx_export_matches_the_csv(client, officer, world):
    client.force_login(officer)
    response = client.get("/rapports/indicateurs.xlsx", QUERY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "#activity+project+code"
    medical = next(r for r in rows[2:] if r[4] == "medical_services")
    assert medical[7] == 2 and medical[9] == 2  # total, girls


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "ok"])
def test_neutralise(value):
    from reporting.exports import neutralise

    assert neutralise(value) == (value if value == "ok" else "'" + value)
    assert neutralise(-3) == -3


def test_data_quality_counts_per_partner(client, officer, world, partner_a, project):
    undated = BeneficiaryFactory(
        organisation=partner_a, sex="U", date_of_birth=None, nationality="",
        registered_on=D(2023, 6, 1),
    )  # fmt: skip
    AssistanceFactory(beneficiary=undated, delivered_on=D(2023, 5, 15))  # no project, early
    BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name=world["girl"].last_name,
                       date_of_birth=D(2010, 3, 3))  # fmt: skip
    client.force_login(officer)
    response = client.get("/rapports/qualite/", {"period": "2023-Q2"})
    assert response.status_code == 200
    rows = {row["provider__name"]: row for row in response.context["rows"]}
    a = rows["Partenaire A"]
    assert (a["persons"], a["no_birth"], a["no_sex"], a["no_nationality"]) == (2, 1, 1, 1)
    assert (a["assistances"], a["no_project"], a["before_registration"]) == (3, 1, 1)
    assert a["no_birth_pct"] == 50.0
    assert a["duplicates"] == 2
    assert rows["Partenaire B"]["problems"] == 0
