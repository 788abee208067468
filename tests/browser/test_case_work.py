"""Case work in a real browser (issue 14, "Done when"): alice opens a case from the person's
file, assesses, plans two goals, records an assistance against one, plans a follow-up due
today and finds it on "Mon travail", writes a confidential note and reads it back, uploads a
signed consent form; her manager transfers the case to bob, closes it with a reason and
reopens it. In French on a desktop screen, in Arabic on a 390 px phone.

With SHOTS_DIR set, one screenshot per main page goes there, for the closing note."""

import datetime
import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

from beneficiaries.services import beneficiary_register
from cases.models import Case, CaseDocument, CaseNote
from core import clock
from core.models import AccessEntry
from tests.browser.menu import sign_out
from tests.browser.test_caseworker_flow import sign_in

# Screenshots of the main pages, for the closing note: SHOTS_DIR=/tmp/shots (none without it).
SHOTS = os.environ.get("SHOTS_DIR", "")
NOTE = "Elle a peur de son ancien employeur ; ne pas l'appeler avant 18 h."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def shot(page, language, name):
    if SHOTS:
        folder = pathlib.Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{language}-{name}.png"), full_page=True)


def open_details(page, selector):
    """Open a <details> (a form folded on the page) unless it already is."""
    details = page.locator(selector)
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


def run_case_work(page, base, person, project, language):
    today = clock.today().isoformat()
    sign_in(page, base, "alice", language)
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # Open a case from the person's file.
    page.goto(f"{base}/beneficiaires/{person.pk}/")
    open_details(page, "#case-open")
    page.select_option("#id_case-risk_level", "high")
    page.click("#case-open form button[type=submit]")
    page.wait_for_url(re.compile(r"/dossiers/\d+/"))
    case_id = int(re.search(r"/dossiers/(\d+)/", page.url).group(1))
    case_url = f"{base}/dossiers/{case_id}/"
    expect(page.locator(".message.success")).to_be_visible()

    # Assess: two needs.
    open_details(page, "#assessment > details")
    page.check("#assessment input[name=assess-needs][value=medical]")
    page.check("#assessment input[name=assess-needs][value=food]")
    page.fill("#id_assess-summary", "Besoin de soins et de nourriture.")
    page.click("#assessment form button[type=submit]")
    expect(page.locator("#assessment .tag").first).to_be_visible()

    # Plan two goals.
    for title, services in (("Accès aux soins", ["medical"]), ("Sécurité alimentaire", ["food"])):
        open_details(page, "#plan > details")
        page.fill("#id_goal-title", title)
        page.select_option("#id_goal-services", services)
        page.click("#plan > details form button[type=submit]")
        expect(page.locator("#plan .timeline > li", has_text=title)).to_be_visible()
    expect(page.locator("#plan .timeline > li")).to_have_count(2)

    # Record an assistance against the first goal: the category narrows the types (HTMX).
    with page.expect_response(re.compile(r"/assistances/types/")):
        page.select_option("#case-assistance select[name$=category]", "medical")
    subtype = page.locator("#case-assistance select[name$=subtype]")
    expect(subtype.locator("option[value=consultation]")).to_have_count(1)
    subtype.select_option("consultation")
    page.select_option("#case-assistance select[name$=project]", str(project.pk))
    page.select_option("#case-assistance select[name$=goal]", label="Accès aux soins")
    page.click("#case-assistance form > button[type=submit]")
    goal = page.locator("#plan .timeline > li", has_text="Accès aux soins")
    expect(goal.locator("ul.small li")).to_have_count(1)
    shot(page, language, "case")

    # A follow-up due today, found on "Mon travail".
    open_details(page, "#followups > details")
    page.fill("#id_followup-due_on", today)
    page.fill("#id_followup-action", "Appeler pour le rendez-vous médical")
    page.click("#followups > details form button[type=submit]")
    expect(page.locator("#followups .timeline > li")).to_have_count(1)
    page.goto(f"{base}/mon-travail/")
    expect(page.locator("#due-today")).to_contain_text("Appeler pour le rendez-vous médical")
    expect(page.locator(f"#my-cases a[href='/dossiers/{case_id}/']")).to_be_visible()
    shot(page, language, "my-work")

    # A confidential note: written, then read back (the reading is logged).
    page.goto(case_url)
    page.click(f"#case-header a[href='/dossiers/{case_id}/confidentiel/']")
    page.fill("#id_body", NOTE)
    page.click("#note-form button[type=submit]")
    page.wait_for_url(case_url)
    note = CaseNote.objects.get(case_id=case_id)
    assert "employeur" not in note.body_encrypted
    page.goto(f"{base}/dossiers/{case_id}/confidentiel/")
    shot(page, language, "case-files")
    page.click(f"a[href='/notes/{note.pk}/']")
    expect(page.locator("#note-text")).to_contain_text("ancien employeur")
    expect(page.locator("#confidential-notice")).to_be_visible()
    shot(page, language, "note")
    assert AccessEntry.objects.filter(
        action=AccessEntry.Action.VIEW_NOTE, user__username="alice", details__notes=[note.pk]
    ).exists()

    # A signed consent form (a small PDF).
    page.goto(case_url)
    page.click(f"#case-header a[href='/dossiers/{case_id}/documents/ajouter/']")
    page.select_option("#id_kind", "consent_form")
    page.fill("#id_title", "Consentement signé")
    page.set_input_files(
        "#id_file", {"name": "consentement.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot(page, language, "document-upload")
    page.click("#document-form button[type=submit]")
    page.wait_for_url(case_url)
    document = CaseDocument.objects.get(case_id=case_id)
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    download_link = page.locator(f"#timeline a[href='/documents/{document.pk}/telecharger/']")
    expect(download_link).to_be_visible()
    response = page.request.get(f"{base}/documents/{document.pk}/telecharger/")
    assert response.status == 200 and response.body() == PDF
    assert response.headers["content-disposition"].startswith("attachment")
    sign_out(page)

    # The manager transfers the case to bob, closes it with a reason, reopens it.
    sign_in(page, base, "manager-a", language)
    page.goto(case_url)
    page.click(f"#case-header a[href='/dossiers/{case_id}/transferer/']")
    page.select_option("#id_to_user", label="bob")
    page.click("#transfer-form button[type=submit]")
    expect(page.locator("#transfer-counts")).to_contain_text("1")
    shot(page, language, "transfer-confirm")
    page.click("button[name=confirm]")
    page.wait_for_url(case_url)
    expect(page.locator("#case-header")).to_contain_text("bob")
    assert Case.objects.get(pk=case_id).assigned_to.username == "bob"

    open_details(page, "#close")
    page.select_option("#id_close-reason", "goals_met")
    page.click("#close form button[type=submit]")
    expect(page.locator("#reopen")).to_be_visible()
    shot(page, language, "case-closed")
    open_details(page, "#reopen")
    page.fill("#id_reopen-reason", "La personne est revenue.")
    page.click("#reopen form button[type=submit]")
    expect(page.locator("#close")).to_be_visible()
    case = Case.objects.get(pk=case_id)
    assert case.is_open and case.transitions.count() == 3

    # The transfer of a leaving member's cases, from the members page's link.
    bob = case.assigned_to
    page.goto(f"{base}/dossiers/transferer/?from={bob.pk}")
    expect(page.locator("#id_from_user")).to_have_value(str(bob.pk))
    shot(page, language, "transfer-all")


@pytest.fixture
def person(alice, bob, manager_a, project):
    return beneficiary_register(
        acting_user=alice,
        beneficiary_ref="OUJ-CASE-1",
        first_name="Mariam",
        last_name="Kouyaté",
        sex="F",
        date_of_birth=datetime.date(1998, 3, 4),
        registered_on=clock.today() - datetime.timedelta(days=10),
        consent=True,
    )


@pytest.mark.django_db(transaction=True)
def test_case_work_in_french_on_a_desktop(
    committing_db, page, live_server, person, project, settings, tmp_path
):
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    page.set_viewport_size({"width": 1280, "height": 900})
    run_case_work(page, live_server.url, person, project, "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


@pytest.mark.django_db(transaction=True)
def test_case_work_in_arabic_on_a_phone(
    committing_db, page, live_server, person, project, settings, tmp_path
):
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    page.set_viewport_size({"width": 390, "height": 844})
    run_case_work(page, live_server.url, person, project, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # Nothing wider than the phone: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
