"""The caseworker's day in a real browser: partner A registers a person (warned about a
near-duplicate), records three assistances including a group session and refers the person
to partner B; partner B accepts and records the outcome. Once in French, once in Arabic."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from partners.second_factor import second_factor_due
from partners.services.second_factor import backup_codes_regenerate
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import PASSWORD
from tests.browser.menu import sign_out


def backup_code(username: str) -> str | None:
    """A fresh backup code of `username` if they must give a second factor (officers,
    managers), as `make run` prints the demo users'; None for the others."""
    user = get_user_model().objects.get(username=username)
    if not second_factor_due(user):
        return None
    return backup_codes_regenerate(user=user, acting_user=user)[0]


def sign_in(page, base, username, language=None):
    """Password, then (for those who need one) the second factor with a backup code."""
    code = backup_code(username)
    page.goto(f"{base}/accounts/login/")
    if language:
        # The language switcher posts and comes back to the same page.
        with page.expect_navigation():
            page.select_option("#lang-select", language)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    if code:
        page.wait_for_url("**/account/second-factor/verify/**")
        page.fill("#id_code", code)
        page.click("form:has(#id_code) button[type=submit]")
    expect(page.locator("#home-q")).to_be_visible()


def run_flow(page, base, partner_a, language=None):
    existing = BeneficiaryFactory(
        organisation=partner_a,
        first_name="Fatoumata",
        last_name="Diallo",
        beneficiary_ref="OUJ-EXIST-1",
        date_of_birth=datetime.date(1995, 5, 17),
    )
    sign_in(page, base, "alice", language)
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # Register a person; a near-duplicate is found in the organisation.
    page.goto(f"{base}/beneficiaires/nouveau/")
    page.fill("#id_last_name", "Diallo")
    page.fill("#id_first_name", "Fatumata")
    page.check("#id_sex_0")
    page.fill("#id_date_of_birth", "1995-05-20")
    page.select_option("#id_nationality", "GN")
    page.fill("#id_beneficiary_ref", "OUJ-NEW-2")
    page.click("#beneficiary-form button[type=submit]:not([name])")
    warning = page.locator("#duplicates")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("OUJ-EXIST-1")
    page.click("button[name=confirm_duplicate]")
    page.wait_for_url(re.compile(r"/beneficiaires/\d+/$"))
    person_id = int(re.search(r"/beneficiaires/(\d+)/", page.url).group(1))
    assert person_id != existing.pk

    # Two assistances from the person's file: the category narrows the types (HTMX).
    for category, subtype in (("medical", "consultation"), ("food", "food_voucher")):
        with page.expect_response(re.compile(r"/assistances/types/")):
            page.select_option("#id_a-category", category)
        expect(page.locator(f"#id_a-subtype option[value={subtype}]")).to_have_count(1)
        expect(page.locator("#id_a-subtype optgroup")).to_have_count(0)
        page.select_option("#id_a-subtype", subtype)
        page.click("#quick-entry button[type=submit]")
        expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator(".timeline li")).to_have_count(2)

    # The third: a group awareness session with this person among the participants.
    page.goto(f"{base}/activites/nouvelle/")
    with page.expect_response(re.compile(r"/assistances/types/")):
        page.select_option("#id_category", "awareness")
    expect(page.locator("#id_subtype option[value=health]")).to_have_count(1)
    page.select_option("#id_subtype", "health")
    page.fill("#id_title", "Santé maternelle")
    page.locator("#participant-q").press_sequentially("Fatumata", delay=20)
    candidate = page.locator(f"#participant-results input[value='{person_id}']")
    candidate.check()
    expect(page.locator(f"#participants input[value='{person_id}']")).to_be_checked()
    page.click("#activity-form > button[type=submit]")
    page.wait_for_url(re.compile(r"/activites/\d+/$"))
    page.goto(f"{base}/beneficiaires/{person_id}/")
    expect(page.locator(".timeline li")).to_have_count(3)

    # Refer the person to partner B, with consent.
    page.goto(f"{base}/beneficiaires/{person_id}/referer/")
    page.select_option("#id_to_organisation", label="Partenaire B")
    page.select_option("#id_category", "psychosocial")
    page.fill("#id_reason", "Suivi psychologique")
    page.check("#id_consent")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/referencements/\d+/$"))
    referral_url = page.url
    sign_out(page)

    # Partner B: the referral waits in the inbox; accept, then record the outcome.
    sign_in(page, base, "charlie", None)
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("nav .badge")).to_have_text("1")
    page.goto(f"{base}/referencements/")
    page.click(f"a[href='{referral_url.removeprefix(base)}']")
    page.click("button[name=answer][value=accept]")
    expect(page.locator(".message.success")).to_be_visible()
    page.select_option("#id_outcome", "service_received")
    page.click("form[action$='/issue/'] button[type=submit]")
    expect(page.locator("#referral-outcome .tag.ok")).to_be_visible()
    # Accepting opened the person's file to partner B.
    page.goto(f"{base}/beneficiaires/{person_id}/")
    expect(page.locator("h1")).to_contain_text("DIALLO")
    sign_out(page)

    # Back at partner A, the outcome shows on the sending side too.
    sign_in(page, base, "alice", None)
    page.goto(referral_url)
    expect(page.locator("#referral-outcome .tag.ok")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_caseworker_flow_in_french(page, live_server, alice, charlie, partner_a, project):
    run_flow(page, live_server.url, partner_a)
    expect(page.locator("html")).to_have_attribute("lang", "fr")


@pytest.mark.django_db(transaction=True)
def test_caseworker_flow_in_arabic(page, live_server, alice, charlie, partner_a, project):
    run_flow(page, live_server.url, partner_a, language="ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
