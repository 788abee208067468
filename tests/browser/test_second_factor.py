"""An IOM officer's first sign-in in a real browser, on a phone: the password, then the
enrolment of an authenticator app (the QR code drawn, the secret typed by hand into the
"app", here the test computing its code), the backup codes shown once, and the page they
were going to. Then a sign-in with one of those backup codes."""

import base64
import re

from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_caseworker_flow import sign_out


def test_an_officer_enrols_an_app_at_the_first_sign_in(
    committing_db, transactional_db, page, live_server, officer
):
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    page.goto(f"{base}/beneficiaires/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")

    page.wait_for_url("**/account/second-factor/enrol/**")
    expect(page.locator(".qr svg")).to_be_visible()
    box = page.locator(".qr svg").bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= 390
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.fill("#id_code", f"{TOTP(key).token():06d}")
    page.click("form:has(#id_code) button[type=submit]")

    page.wait_for_url("**/account/second-factor/codes/**")
    codes = [c.strip() for c in page.locator("#backup-codes code").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    expect(page.get_by_role("link", name="Télécharger (.txt)")).to_be_visible()
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url("**/beneficiaires/")
    expect(page.locator("h1")).to_be_visible()

    page.locator("button.menu-toggle").click()
    sign_out(page)
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url("**/account/second-factor/verify/**")
    page.fill("#id_code", codes[0])
    page.click("form:has(#id_code) button[type=submit]")
    expect(page.locator("#home-q")).to_be_visible()
