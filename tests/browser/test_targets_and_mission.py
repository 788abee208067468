"""Issue 15 in a real browser ("Done when"): an IOM officer enters an expected result and a
target on the project's page, sees achieved / target there and on the dashboard, then
requests the mission bilan for last year in Arabic and downloads its PDF."""

import datetime
import re

from playwright.sync_api import expect

from core import clock
from reporting.models import Indicator
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.bilans.test_pdf import as_extracted, pdf_text
from tests.browser.test_caseworker_flow import sign_in


def test_officer_enters_targets_and_downloads_the_arabic_mission_bilan(
    committing_db, page, live_server, settings, tmp_path, officer, project, partner_a
):
    settings.MEDIA_ROOT = tmp_path
    today = clock.today()
    last_year = today.year - 1
    this_week = today - datetime.timedelta(days=3)
    # Medical care for 6 women last year and 4 men this week: 10 persons to date.
    for i in range(10):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(
                organisation=partner_a, sex="F" if i < 6 else "M",
                date_of_birth=datetime.date(1990, 1, 1),
            ),
            project=project, provider=partner_a, category="medical", subtype="consultation",
            delivered_on=datetime.date(last_year, 6, 10) if i < 6 else this_week,
        )  # fmt: skip
    base = live_server.url
    sign_in(page, base, officer.username)

    # The results framework, on the project's page.
    page.goto(f"{base}/projets/{project.code}/")
    page.click("#add-result")
    page.fill("#id_statement_fr", "Les migrant·es vulnérables ont accès aux soins de santé.")
    page.click("form#result-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/projets/{project.code}/$"))
    page.click("#add-target")
    page.select_option("#id_indicator", str(Indicator.objects.get(code="medical_persons").pk))
    page.fill("#id_baseline", "0")
    page.fill("#id_target_total", "20")
    page.fill("#id_target_female", "12")
    page.click("form#target-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/projets/{project.code}/$"))
    row = page.locator("tr.target[data-indicator=medical_persons]")
    expect(row.locator("span.achieved")).to_have_text("10")
    expect(row.locator("span.target-total")).to_have_text("20")
    expect(row.locator("strong.percent")).to_contain_text("50")
    expect(row.locator("span.achieved-female")).to_have_text("6")
    assert row.locator("progress").get_attribute("value") == "50"

    # The same target on the dashboard, against the dashboard's period (this year: 4 men).
    page.goto(f"{base}/rapports/?project={project.code}&period={today.year}")
    panel = page.locator("#results-panel")
    expect(panel).to_be_visible()
    dashboard_row = panel.locator("tr.target[data-indicator=medical_persons]")
    expect(dashboard_row.locator("span.target-total")).to_have_text("20")
    expect(dashboard_row.locator("span.achieved")).to_have_text("4")

    # The mission bilan of last year, in Arabic.
    page.goto(f"{base}/bilans/")
    form = page.locator("form#mission-bilan-form")
    expect(form.locator("#id_mission-period")).to_have_value(str(last_year))
    form.locator("select#id_mission-language").select_option("ar")
    form.locator("#mission-bilan-submit").click()
    page.wait_for_url(re.compile(r"/bilans/\d+/$"))
    download_link = page.locator("a#download-pdf")
    expect(download_link).to_be_visible(timeout=60_000)  # generated eagerly, on commit
    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "mission.pdf"
    info.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    # The Arabic document: the mission's, its protection chapter, the 6 women of last year
    # (the 4 men came this year), and no French left in its title.
    assert as_extracted("البعثة") in text
    assert as_extracted("الحماية والصمود") in text
    assert re.search(r"(?<![\d٠-٩])6(?![\d٠-٩])", text)
    assert "Bilan de la mission" not in text
