"""The data quality page's figures lead to the records behind them: every figure of every
partner's row links to a list of exactly the records it counts."""

import datetime
import re

import pytest

from core import clock
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

D = datetime.date
QUERY = {"period": "2023-Q2"}
LINK = re.compile(r'href="(/rapports/qualite/([a-z_]+)/\?[^"]+)">(\d+)</a>')


@pytest.fixture
def records(project, partner_a, partner_b):
    """Partner A has one record behind each check, partner B a pair of duplicates; the
    cancelled and clean rows count nowhere."""
    future = clock.today() + datetime.timedelta(days=30)
    clean = BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow",
                               nationality="GN")  # fmt: skip
    AssistanceFactory(beneficiary=clean, project=project, delivered_on=D(2023, 5, 1))
    AssistanceFactory(beneficiary=clean, delivered_on=D(2023, 5, 2), status="cancelled")
    undated = BeneficiaryFactory(
        organisation=partner_a, first_name="Binta", last_name="Bah", sex="U",
        date_of_birth=None, nationality="", registered_on=D(2023, 6, 1),
    )  # fmt: skip
    early = AssistanceFactory(beneficiary=undated, delivered_on=D(2023, 5, 15))
    estimated = BeneficiaryFactory(
        organisation=partner_a, first_name="Coumba", last_name="Ba", date_of_birth=None,
        birth_year=1990, nationality="SN",
    )  # fmt: skip
    AssistanceFactory(beneficiary=estimated, project=project, delivered_on=D(2023, 4, 3))
    twins = [
        BeneficiaryFactory(
            organisation=partner_a,
            first_name="Djeneba",
            last_name="Keita",
            date_of_birth=D(1990, 3, day),
            nationality="ML",
        )  # fmt: skip
        for day in (1, 2)
    ]
    ahead = AssistanceFactory(beneficiary=twins[0], project=project, delivered_on=future)
    AssistanceFactory(beneficiary=twins[1], project=project, delivered_on=D(2023, 6, 30))
    b_pair = [
        BeneficiaryFactory(
            organisation=partner_b,
            first_name="Ousmane",
            last_name="Sy",
            date_of_birth=None,
            birth_year=1985,
            nationality="SN",
        )  # fmt: skip
        for _ in range(2)
    ]
    AssistanceFactory(beneficiary=b_pair[0], project=project, delivered_on=D(2023, 5, 5))
    return {
        "Partenaire A": {
            "no_birth": {undated.pk},
            "estimated_birth": {estimated.pk},
            "no_sex": {undated.pk},
            "no_nationality": {undated.pk},
            "no_project": {early.pk},
            "before_registration": {early.pk},
            "future": {ahead.pk},
            "duplicates": {twins[0].pk, twins[1].pk},
        },
        "Partenaire B": {
            "estimated_birth": {b_pair[0].pk},  # the other one was not served in the period
            "duplicates": {b_pair[0].pk, b_pair[1].pk},
        },
    }


def _listed(html: str, check: str) -> set[int]:
    pattern = r'href="/assistances/(\d+)/modifier/"' if check in (
        "no_project", "before_registration", "future"
    ) else r'href="/beneficiaires/(\d+)/"'  # fmt: skip
    return {int(found) for found in re.findall(pattern, html)}


def test_each_figure_links_to_exactly_its_records(
    client, officer, records, django_assert_max_num_queries
):
    client.force_login(officer)
    page = client.get("/rapports/qualite/", QUERY)
    assert page.status_code == 200
    rows = page.context["rows"]
    linked = {}
    for row in rows:
        body = page.text.split(f">{row['provider__name']}</th>")[1].split("</tr>")[0]
        for url, check, figure in LINK.findall(body.replace("&amp;", "&")):
            linked[(row["provider__name"], check)] = (url, int(figure))
    expected = {
        (partner, check): ids
        for partner, checks in records.items()
        for check, ids in checks.items()
    }
    assert set(linked) == set(expected)  # every non-zero figure links, and only those
    for (partner, check), (url, figure) in linked.items():
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, url
        shown = _listed(response.text, check)
        assert shown == expected[(partner, check)], (partner, check)
        assert figure == len(shown), (partner, check)
        assert partner in response.text
        count = response.context["page_obj"].paginator.count
        assert count == figure


def test_a_figure_of_zero_is_not_a_link(client, officer, records):
    client.force_login(officer)
    html = client.get("/rapports/qualite/", QUERY).text
    b_row = html.split(">Partenaire B</th>")[1].split("</tr>")[0]
    assert b_row.count("/rapports/qualite/") == 2  # birth year only, and duplicates
    assert 'data-label="Sexe inconnu" class="num">0 <span' in b_row


def test_records_pages_are_for_officers_only(client, alice, charlie, donor_user, records):
    for user in (alice, charlie, donor_user):
        client.force_login(user)
        response = client.get("/rapports/qualite/duplicates/", {**QUERY, "partner": "partner-a"})
        assert response.status_code == 403
        assert "Keita" not in response.text


def test_unknown_check_or_bad_filters(client, officer, records):
    client.force_login(officer)
    assert client.get("/rapports/qualite/nothing/", QUERY).status_code == 404
    bad = client.get("/rapports/qualite/no_sex/", {"period": "2023-Q9"})
    assert bad.status_code == 400
    assert "Bah" not in bad.text


def test_figures_and_records_follow_the_viewers_scope(charlie, records):
    """Read through visible_to: were a partner's caseworker to ask, it would get its own
    records only, figures and lists alike."""
    from reporting.engine import Scope
    from reporting.periods import parse_period
    from reporting.quality import data_quality, quality_records

    period = parse_period("2023-Q2")
    rows = data_quality(charlie, Scope(), period)
    assert [row["provider__name"] for row in rows] == ["Partenaire B"]
    assert rows[0]["duplicates"] == 2
    listed = quality_records(charlie, Scope(), period, "duplicates")
    assert set(listed.values_list("pk", flat=True)) == records["Partenaire B"]["duplicates"]
    assert not quality_records(charlie, Scope(), period, "no_sex").exists()


def test_one_column_per_check_whose_records_are_what_the_check_says(client, officer, records):
    from reporting.quality import CHECKS

    client.force_login(officer)
    html = client.get("/rapports/qualite/", QUERY).text
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html.replace("&#x27;", "'"))
    labels = [str(check.label) for check in CHECKS.values()]
    assert headers == ["Partenaire", "Personnes", "Assistances", *labels]
    for key, check in CHECKS.items():
        page = client.get(f"/rapports/qualite/{key}/", {**QUERY, "partner": "partner-a"}).text
        assert f"<h1>{check.label} — " in page.replace("&#x27;", "'")
        # People: name, reference, birth…; assistances: date, person, provider…
        assert ('<th scope="col">Naissance</th>' in page) is check.of_people, key
        assert ('<th scope="col">Prestataire</th>' in page) is not check.of_people, key


def test_records_pages_isolate_names_and_organisations(client, officer, records):
    """User text in <bdi>, so a right-to-left name (or an override character) cannot reorder
    the words around it (issue 11, item 20)."""
    client.force_login(officer)
    people = client.get("/rapports/qualite/no_sex/", {**QUERY, "partner": "partner-a"}).text
    assert "<h1>Sexe inconnu — <bdi>Partenaire A</bdi></h1>" in people
    assert "<bdi><strong>BAH</strong> Binta</bdi>" in people
    assert '<td data-label="Organisation"><bdi>Partenaire A</bdi></td>' in people
    rows = client.get("/rapports/qualite/no_project/", {**QUERY, "partner": "partner-a"}).text
    assert "<bdi>BAH Binta</bdi>" in rows
    assert '<td data-label="Prestataire"><bdi>Partenaire A</bdi></td>' in rows


def test_dated_in_the_future_means_after_the_clocks_today(
    client, officer, partner_a, project, frozen_clock
):
    """The page reads core.clock like the dashboard, so a frozen clock freezes both."""
    frozen_clock(datetime.datetime(2023, 6, 15, 12, tzinfo=datetime.UTC))
    person = BeneficiaryFactory(organisation=partner_a, registered_on=D(2023, 1, 1))
    ahead = AssistanceFactory(beneficiary=person, project=project, delivered_on=D(2023, 6, 16))
    AssistanceFactory(beneficiary=person, project=project, delivered_on=D(2023, 6, 15))
    client.force_login(officer)
    rows = client.get("/rapports/qualite/", QUERY).context["rows"]
    assert [(row["provider__name"], row["future"]) for row in rows] == [("Partenaire A", 1)]
    listed = client.get("/rapports/qualite/future/", QUERY).text
    assert _listed(listed, "future") == {ahead.pk}
