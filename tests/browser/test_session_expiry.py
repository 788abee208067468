"""A session idle for 30 minutes, in a real browser: the next htmx request (the list's live
search) takes the whole page to the sign-in form, which says why and brings the user back to
the list afterwards; no copy of the list stays in the tab's storage."""

import re
from importlib import import_module

from django.conf import settings
from playwright.sync_api import expect

from core.middleware import LAST_ACTIVITY
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import PASSWORD


def let_minutes_pass(page, minutes: int) -> None:
    """The browser's session, as if its last request were `minutes` older."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY] -= minutes * 60
    session.save()


def test_an_idle_session_sends_the_live_search_to_sign_in(
    committing_db, transactional_db, page, live_server, alice, partner_a
):
    BeneficiaryFactory(organisation=partner_a, last_name="Benali", first_name="Amina")
    BeneficiaryFactory(organisation=partner_a, last_name="Tazi", first_name="Omar")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    expect(page.locator("#home-q")).to_be_visible()

    page.goto(f"{base}/beneficiaires/")
    with page.expect_response(re.compile(r"/beneficiaires/\?")):
        page.fill("#id_q", "Benali")
    expect(page.locator("#results")).to_contain_text("BENALI")
    # htmx keeps no copy of the list for the back button (base.html, htmx-config).
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None

    let_minutes_pass(page, 31)
    page.fill("#id_q", "Tazi")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator(".message")).to_contain_text("Votre session a expiré")
    expect(page.locator("#results")).to_have_count(0)  # a whole page, not a swapped fragment

    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url(re.compile(r"/beneficiaires/\?q=Benali"))
    expect(page.locator("#results")).to_contain_text("BENALI")
