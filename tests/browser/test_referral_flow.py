"""A referral's new states in a real browser, in French and in Arabic: partner A refers two
people to partner B; B opens "Référencements reçus" on a 390 px phone and finds both pending
in the received tab; B declines one with a reason (a confirmation step) and A reads the
reason; B accepts the other, and only then is the outcome form there to record the service."""

import re

import pytest
from playwright.sync_api import expect

from assistance.referrals.services import referral_create
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.test_caseworker_flow import sign_in, sign_out

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1024, "height": 800}
NOTE = "Centre fermé pour travaux jusqu'en septembre"


def assert_fits_the_phone(page, *selectors):
    for selector in selectors:
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not displayed"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def run_flow(page, base, alice, partner_a, partner_b, language=None):
    declined_person = BeneficiaryFactory(
        organisation=partner_a, first_name="Mariam", last_name="Keita"
    )
    accepted_person = BeneficiaryFactory(
        organisation=partner_a, first_name="Oumar", last_name="Sylla"
    )
    referral_create(
        beneficiary=accepted_person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
        reason="Accompagnement juridique",
    )

    # Partner A refers Mariam to partner B.
    sign_in(page, base, "alice", language)
    page.goto(f"{base}/beneficiaires/{declined_person.pk}/referer/")
    page.select_option("#id_to_organisation", label="Partenaire B")
    page.select_option("#id_category", "psychosocial")
    page.fill("#id_reason", "Suivi psychologique")
    page.check("#id_consent")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/referencements/\d+/$"))
    declined_url = page.url.removeprefix(base)
    # The sender has no outcome to record while partner B has not answered.
    expect(page.locator("#awaiting-answer")).to_be_visible()
    expect(page.locator("#id_outcome")).to_have_count(0)
    sign_out(page)

    # Partner B, on a phone: the home button opens the received tab, both pending.
    sign_in(page, base, "charlie", None)
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.set_viewport_size(PHONE)
    page.click("#home-received")
    received = page.locator("#tab-received")
    expect(received).to_have_attribute("aria-current", "page")
    expect(received.locator(".count")).to_have_text("(2)")
    expect(received.locator(".badge")).to_contain_text("2")
    expect(page.locator("#tab-sent .count")).to_have_text("(0)")
    expect(page.locator("#referrals tbody tr.awaiting")).to_have_count(2)
    assert_fits_the_phone(page, "#tab-received", "#tab-sent")

    # Decline Mariam's referral: a reason, then a confirmation.
    page.click(f"a[href='{declined_url}']")
    expect(page.locator("#id_outcome")).to_have_count(0)
    page.click("#decline-link")
    page.check("input[name=decline_reason][value=other]")
    page.click("#decline-form button[type=submit]")
    expect(page.locator("#id_decline_note_error")).to_be_visible()
    page.fill("#id_decline_note", NOTE)
    page.click("#decline-form button[type=submit]")
    expect(page.locator("#decline-confirm")).to_contain_text(NOTE)
    page.click("button[name=confirm][value='1']")
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("#referral-status .tag.err")).to_be_visible()
    expect(page.locator("#decline-reason")).to_contain_text(NOTE)
    expect(page.locator("#id_outcome")).to_have_count(0)

    # Accept Oumar's: only then may the outcome be recorded.
    page.goto(f"{base}/referencements/?direction=received")
    expect(page.locator("#tab-received .badge")).to_contain_text("1")
    page.locator("#referrals a", has_text="SYLLA").click()
    expect(page.locator("#id_outcome")).to_have_count(0)
    page.click("button[name=answer][value=accept]")
    expect(page.locator(".message.success")).to_be_visible()
    page.select_option("#id_outcome", "service_received")
    page.click("form[action$='/issue/'] button[type=submit]")
    expect(page.locator("#referral-outcome .tag.ok")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    sign_out(page)

    # Back at partner A: the sent tab shows the reason; so does the referral.
    sign_in(page, base, "alice", None)
    page.goto(f"{base}/referencements/")
    page.click("#tab-sent")
    expect(page.locator("#tab-sent")).to_have_attribute("aria-current", "page")
    expect(page.locator("#referrals .decline-reason")).to_contain_text(NOTE)
    page.goto(base + declined_url)
    expect(page.locator("#decline-reason")).to_contain_text(NOTE)


@pytest.mark.django_db(transaction=True)
def test_referral_states_in_french(page, live_server, alice, charlie, partner_a, partner_b):
    run_flow(page, live_server.url, alice, partner_a, partner_b)
    expect(page.locator("html")).to_have_attribute("lang", "fr")


@pytest.mark.django_db(transaction=True)
def test_referral_states_in_arabic(page, live_server, alice, charlie, partner_a, partner_b):
    run_flow(page, live_server.url, alice, partner_a, partner_b, language="ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
