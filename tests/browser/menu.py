"""The site's menu, as the browser tests use it."""

from playwright.sync_api import expect


def sign_out(page):
    """From the menu, unfolded first where it folds (a phone, a narrow laptop)."""
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.click("header form[action$='/logout/'] button")
    expect(page.locator("#id_username")).to_be_visible()
