"""The main menu of the role with the most entries (an IOM officer): folded behind a "Menu"
button on a 390 px phone, every entry reachable once opened and nothing scrolling sideways, in
French and in Arabic; on one line on a 1280 px laptop."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_caseworker_flow import sign_in

# Every entry of the officer's menu, in menu order.
OFFICER_MENU = {
    "fr": [
        "Bénéficiaires",
        "Assistances",
        "Référencements",
        "Retours (AVRR)",
        "Import / export",
        "Bilans",
        "Tableau de bord",
        "Sécurité",
        "Administration",
    ],
    "ar": [
        "المستفيدون",
        "المساعدات",
        "الإحالات",
        "العودة (AVRR)",
        "الاستيراد / التصدير",
        "تقارير الحصيلة",
        "لوحة القيادة",
        "الأمان",
        "الإدارة",
    ],
}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def menu_labels(page):
    return [text.strip() for text in page.locator("nav.mainnav a").all_inner_texts()]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_phone_menu_opens_with_every_entry_and_no_sideways_scroll(
    page, live_server, officer, language
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "officer", None if language == "fr" else language)
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    toggle = page.locator("button.menu-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "site-menu")
    expect(page.locator("nav.mainnav")).to_be_hidden()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert menu_labels(page) == OFFICER_MENU[language]
    width = page.evaluate("window.innerWidth")
    for link in page.locator("nav.mainnav a").all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, link.inner_text()
    expect(page.locator("#lang-select")).to_be_visible()
    expect(page.locator("header form[action$='/logout/'] button")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # Escape elsewhere on the page is not for the menu: it stays open, the focus stays put.
    page.locator("#main").focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main")).to_be_focused()
    # Escape in the menu folds it again, and the entries that used to scroll out of sight work.
    page.locator("nav.mainnav a").first.focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(page.locator("nav.mainnav")).to_be_hidden()
    toggle.click()
    page.locator("nav.mainnav a", has_text=OFFICER_MENU[language][4]).click()
    page.wait_for_url("**/imports/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_laptop_menu_holds_on_one_line(page, live_server, officer, language):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "officer", None if language == "fr" else language)
    # Measure once the fonts are in (they change the widths, and nav.js refits then).
    page.evaluate("document.fonts.ready.then(() => true)")
    expect(page.locator("button.menu-toggle")).to_be_hidden()
    links = page.locator("nav.mainnav a")
    expect(links).to_have_count(len(OFFICER_MENU["fr"]))
    for link in links.all():
        expect(link).to_be_visible()
    tops = page.evaluate("[...document.querySelectorAll('nav.mainnav a')].map(a => a.offsetTop)")
    assert len(set(tops)) == 1, tops
    nav_height, link_height = page.evaluate(
        "[document.querySelector('nav.mainnav').offsetHeight,"
        " document.querySelector('nav.mainnav a').offsetHeight]"
    )
    assert nav_height < 1.5 * link_height
    # The header is one bar: brand, menu and tools side by side.
    header_height = page.evaluate("document.querySelector('header.topbar').offsetHeight")
    assert header_height < 2 * link_height + 20
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_managers_menu_with_case_work_holds_on_one_line(page, live_server, manager_a, language):
    """Partner staff's menu starts with "Mon travail" (case work; the list of cases is one
    click further) and holds on one line on a laptop (a caseworker's, shorter, at 1024 px:
    the caseworker flows click its links without unfolding it)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "manager-a", None if language == "fr" else language)
    page.evaluate("document.fonts.ready.then(() => true)")
    expect(page.locator("button.menu-toggle")).to_be_hidden()
    links = page.locator("nav.mainnav a")
    expect(links.first).to_have_attribute("href", "/mon-travail/")
    tops = page.evaluate("[...document.querySelectorAll('nav.mainnav a')].map(a => a.offsetTop)")
    assert len(set(tops)) == 1, tops
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
