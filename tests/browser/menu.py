"""The site's menu, as the browser tests use it."""

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

LOGOUT = "header form[action$='/logout/'] button"


def sign_out(page):
    """From the menu, unfolded first where it folds (a phone, a narrow laptop). Just after a
    resize, static/js/nav.js may still be folding or unfolding the bar: look again until the
    sign-out button shows, opening the menu when its toggle is what shows."""
    logout, toggle = page.locator(LOGOUT), page.locator("button.menu-toggle")
    for _attempt in range(50):
        if logout.is_visible():
            break
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            try:
                toggle.click(timeout=1000)
            except PlaywrightError:  # the bar unfolded meanwhile: the toggle went away
                pass
        page.wait_for_timeout(100)
    logout.click()
    expect(page.locator("#id_username")).to_be_visible()
