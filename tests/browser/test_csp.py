"""The Content-Security-Policy refuses nothing the pages need: in a real browser, the main pages
of each role (their htmx, charts, the admin and the API docs included) work without a single
"Refused to …" in the console. A script, style or handler left inline would be refused."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from bilans import services as bilan_services
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.test_caseworker_flow import sign_in


@pytest.fixture
def violations(page):
    """Every CSP violation the browser reports in the console while the test runs (Chromium
    words them "Refused to …" or "… violates the following Content Security Policy …")."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return seen


def test_a_caseworkers_pages_raise_no_violation(
    committing_db, transactional_db, page, live_server, violations, alice, partner_a, project
):
    person = BeneficiaryFactory(organisation=partner_a, last_name="Benali", first_name="Amina")
    base = live_server.url
    sign_in(page, base, "alice")

    # The list's live search swaps its results with htmx.
    page.goto(f"{base}/beneficiaires/")
    with page.expect_response(re.compile(r"/beneficiaires/\?")):
        page.fill("#id_q", "Benali")
    expect(page.locator("#results")).to_contain_text("BENALI")

    # The person's file and its quick entry of an assistance (the category narrows the types
    # by htmx).
    page.goto(f"{base}/beneficiaires/{person.pk}/")
    with page.expect_response(re.compile(r"/assistances/types/")):
        page.select_option("#id_a-category", "medical")
    expect(page.locator("#id_a-subtype option[value=consultation]")).to_have_count(1)
    page.select_option("#id_a-subtype", "consultation")
    page.click("#quick-entry button[type=submit]")
    expect(page.locator(".message.success")).to_be_visible()

    # A group session: the search results come by htmx, a ticked person moves to the list
    # (static/js/activity-form.js).
    page.goto(f"{base}/activites/nouvelle/")
    page.locator("#participant-q").press_sequentially("Benali", delay=20)
    candidate = page.locator(f"#participant-results input[value='{person.pk}']")
    candidate.check()
    expect(page.locator(f"#participants input[value='{person.pk}']")).to_be_checked()

    # The language switcher submits on change (static/js/app.js).
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


def test_an_officers_pages_raise_no_violation(
    committing_db,
    transactional_db,
    page,
    live_server,
    violations,
    settings,
    tmp_path,
    officer,
    project,
    partner_a,
):
    settings.MEDIA_ROOT = tmp_path
    officer.is_staff = officer.is_superuser = True  # the admin's model permissions
    officer.save(update_fields=["is_staff", "is_superuser"])
    for i in range(12):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(organisation=partner_a, sex="FM"[i % 2]),
            project=project,
            delivered_on=datetime.date(2023, 5, 10),
        )
    snapshot = bilan_services.bilan_request(
        project=project, period=parse_period("2023-Q2"), acting_user=officer, language="fr"
    )
    base = live_server.url
    sign_in(page, base, officer.username)

    # The dashboard and its server-side SVG charts.
    page.goto(f"{base}/rapports/?period=2023-Q2")
    expect(page.locator(".charts svg").first).to_be_visible()
    # The bilan's preview, its charts and tables.
    page.goto(f"{base}/bilans/{snapshot.pk}/")
    expect(page.locator(".bilan-document svg").first).to_be_visible()
    # The admin: its index, a list and a form with its widgets.
    page.goto(f"{base}/admin/")
    expect(page.locator("#content")).to_be_visible()
    page.goto(f"{base}/admin/beneficiaries/beneficiary/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(f"{base}/admin/beneficiaries/beneficiary/add/")
    expect(page.locator("form")).not_to_have_count(0)
    # The API docs: Swagger UI draws the operations from the schema.
    page.goto(f"{base}/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    assert violations == []


def test_an_inline_script_would_be_reported(
    committing_db, transactional_db, page, live_server, violations
):
    """The listener above hears the browser's refusals: a page given an inline script by hand
    is refused, and the refusal is seen."""
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.ran = true";
                document.body.appendChild(script);
            }"""
        )
    assert page.evaluate("window.ran") is None
    assert any("script-src 'self'" in text for text in violations)
