"""An Arabic bilan reviewed by an IOM officer whose pages are in French, in a real browser, on
a desktop and on a 390 px phone: the document reads right to left, its chart labels sit
beside their bars (not over them), and nothing is wider than the screen."""

import datetime

import pytest
from playwright.sync_api import expect

from bilans import services
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.test_caseworker_flow import sign_in


@pytest.mark.parametrize("width", [1280, 390])
def test_an_arabic_bilan_previewed_from_a_french_page(
    committing_db, page, live_server, settings, tmp_path, officer, project, partner_a, width
):
    settings.MEDIA_ROOT = tmp_path
    # Counts of 5 and more, so the project's small-cell threshold (k = 5) hides none of the
    # health chart's bars.
    for i in range(30):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(organisation=partner_a, sex="FM"[i % 2]),
            project=project,
            category="psychosocial" if i % 3 else "medical",
            subtype="specialised" if i % 3 else "consultation",
            delivered_on=datetime.date(2023, 5, 10),
        )
    snapshot = services.bilan_request(
        project=project, period=parse_period("2023-Q2"), acting_user=officer, language="ar"
    )  # generated at once: Celery is eager and the database commits
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/bilans/{snapshot.pk}/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    document = page.locator(".bilan-document")
    expect(document).to_have_attribute("dir", "rtl")
    expect(document.locator("h2").first).to_have_text("الأرقام الرئيسية")
    assert document.locator("h2").first.evaluate("h => getComputedStyle(h).direction") == "rtl"
    # In the health chart, the labels are to the right of the bars (not over them), whole.
    chart = document.locator("section:nth-of-type(2) svg")
    bars, labels = chart.evaluate(
        """svg => [
            [...svg.querySelectorAll("rect")].filter(r => r.querySelector("title"))
                .map(r => r.getBoundingClientRect().right),
            [...svg.querySelectorAll("text")].filter(t => t.textContent.startsWith("الأشخاص"))
                .map(t => t.getBoundingClientRect().left),
        ]"""
    )
    assert bars and labels  # else the comparison below would hold for nothing
    assert min(labels) >= max(bars)
    assert "…" not in chart.evaluate("svg => svg.textContent")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
