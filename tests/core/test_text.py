"""Names and notes keep no control or bidi formatting character, whatever the path that stored
them (page form, API, importer), and pages isolate them where they meet other text."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from assistance.activities.services import activity_record
from assistance.importer.models import ImportBatch
from assistance.models import Activity, Assistance
from assistance.referrals.services import referral_create
from beneficiaries.models import Beneficiary
from core.text import BIDI_CONTROLS, isolate, plain_text
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.imports.conftest import HEADER, csv_bytes, row

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Awa\u202eelif.exe" shows as "Awaexe.file"
SPOOFED = f"Awa{RLO}ennaS"


@pytest.mark.parametrize(
    ("typed", "one_line", "multi_line"),
    [
        ("Aminata", "Aminata", "Aminata"),
        ("  Aminata ", "Aminata", "Aminata"),
        (SPOOFED, "AwaennaS", "AwaennaS"),
        ("\u2067محمد\u2069\u200f", "محمد", "محمد"),
        ("Jean\r\nPierre\tSow", "Jean Pierre Sow", "Jean\nPierre\tSow"),
        ("nul\x00 bell\x07 esc\x1b del\x7f c1\x85", "nul bell esc del c1", "nul bell esc del c1"),
        # Joiners shape Persian and Indic scripts, a no-break space is a space: they stay.
        ("می\u200cخواهم", "می\u200cخواهم", "می\u200cخواهم"),
        ("Sow\u00a0Awa", "Sow\u00a0Awa", "Sow\u00a0Awa"),
    ],
)
def test_plain_text_drops_controls_and_bidi_formatting(typed, one_line, multi_line):
    assert plain_text(typed) == one_line
    assert plain_text(typed, multiline=True) == multi_line


def test_every_bidi_control_of_the_issue_is_dropped():
    listed = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    assert set(listed) == set(BIDI_CONTROLS)
    assert plain_text(f"a{listed}b") == "ab"
    assert plain_text(None) is None and plain_text(7) == 7


def test_isolate_wraps_text_for_places_without_markup():
    assert isolate("سارة") == "\u2068سارة\u2069"
    assert isolate("") == "" and isolate(None) == ""


def _has_controls(text: str) -> bool:
    return bool(re.search(f"[{BIDI_CONTROLS}\x00-\x08\x0b-\x1f\x7f-\x9f]", text))


def test_the_registration_form_stores_names_without_them(client, alice, partner_a):
    client.force_login(alice)
    response = client.post(
        reverse("beneficiaries:create"),
        {
            "first_name": SPOOFED,
            "last_name": f"Sow{RLO}\u200f",
            "sex": "F",
            "legal_status": "unknown",
            "is_migrant": "on",
            "beneficiary_ref": f"A-{RLO}77",
            "registered_on": "2024-01-10",
            "consent": "on",
            "confirm_duplicate": "1",
        },
    )
    person = Beneficiary.objects.get()
    assert response.status_code == 302, response.content.decode()[:500]
    assert (person.first_name, person.last_name, person.beneficiary_ref) == (
        "AwaennaS",
        "Sow",
        "A-77",
    )
    page = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert not _has_controls(page.replace("\u2068", "").replace("\u2069", ""))
    # The heading isolates the name and the reference; the <title>, which takes no markup,
    # uses Unicode's own isolates.
    assert "<h1><bdi>SOW AwaennaS</bdi>" in page
    assert "<bdi>A-77</bdi>" in page
    assert "<title>\u2068AwaennaS Sow\u2069 — iom_cases</title>" in page
    listed = client.get(reverse("beneficiaries:list")).content.decode()
    assert "<bdi><strong>SOW</strong> AwaennaS</bdi>" in listed


def test_the_api_stores_names_and_notes_without_them(alice, partner_a):
    api = APIClient()
    api.force_authenticate(alice)
    created = api.post(
        "/api/v1/beneficiaries/",
        {"beneficiary_ref": f"API-{RLO}1", "first_name": SPOOFED, "sex": "F"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["first_name"], created.json()["beneficiary_ref"]) == (
        "AwaennaS",
        "API-1",
    )
    recorded = api.post(
        "/api/v1/assistances/",
        {
            "beneficiary": created.json()["id"],
            "category": "medical",
            "subtype": "consultation",
            "delivered_on": "2024-02-01",
            "notes": f"Première ligne{RLO}\r\nSeconde\x1b ligne",
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    assert Assistance.objects.get().notes == "Première ligne\nSeconde ligne"


def test_the_importer_reads_cells_through_the_same_helper(client, alice, project):
    header = [*HEADER, "notes"]
    cells = [
        *row(ref=f"IMP-{RLO}1", first_name=SPOOFED, last_name="\u2066Koné\u2069"),
        f"Orientée{RLO} vers\r\nle CHU",
    ]
    client.force_login(alice)
    client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile(f"liste{RLO}vsc.exe", csv_bytes([cells], header=header)),
            "project": project.code,
        },
    )
    batch = ImportBatch.objects.get()
    assert batch.file_name == "listevsc.exe"
    assert not any(_has_controls(str(value)) for value in batch.preview[0].values())
    client.post(reverse("imports:confirm", args=[batch.pk]))
    person = Beneficiary.objects.get()
    assert (person.beneficiary_ref, person.first_name, person.last_name) == (
        "IMP-1",
        "AwaennaS",
        "Koné",
    )
    assert Assistance.objects.get().notes == "Orientée vers\nle CHU"
    # The same file again finds the same person (the reference is read the same way).
    client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("again.csv", csv_bytes([cells], header=header))},
    )
    assert ImportBatch.objects.latest("pk").counts["persons_new"] == 0


def test_titles_and_structure_names_too(alice, partner_a):
    person = BeneficiaryFactory(organisation=partner_a)
    activity = activity_record(
        category="awareness",
        subtype="health",
        title=f"Séance{RLO} santé",
        held_on=datetime.date(2024, 2, 2),
        participants=[person],
        acting_user=alice,
    )
    referral = referral_create(
        beneficiary=person,
        category="medical",
        consent=True,
        to_structure=f"CHU{RLO} Oujda",
        reason=f"Suivi{RLO}\nurgent",
        acting_user=alice,
    )
    assert Activity.objects.get(pk=activity.pk).title == "Séance santé"
    referral.refresh_from_db()
    assert (referral.to_structure, referral.reason) == ("CHU Oujda", "Suivi\nurgent")


def test_the_decline_note_the_sender_reads_too(alice, charlie, partner_a, partner_b):
    referral = referral_create(
        beneficiary=BeneficiaryFactory(organisation=partner_a),
        category="psychosocial",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
    )
    declined = APIClient()
    declined.force_authenticate(charlie)
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    # A note of invisible characters only is no note: "other" needs words the sender can read.
    empty = declined.post(url, {"decline_reason": "other", "decline_note": RLO}, format="json")
    assert empty.status_code in (400, 422), empty.json()
    answer = declined.post(
        url,
        {"decline_reason": "other", "decline_note": f" \u200fPlus{RLO} de place\r\nen mai "},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    sender = APIClient()
    sender.force_authenticate(alice)
    read = sender.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert read["decline_note"] == "Plus de place\nen mai"


def test_exports_drop_them_from_records_stored_before(client, alice, partner_a):
    person = BeneficiaryFactory(organisation=partner_a, first_name="Awa")
    Beneficiary.objects.filter(pk=person.pk).update(first_name=SPOOFED)  # stored long ago
    client.force_login(alice)
    response = client.get(reverse("imports:export_beneficiaires_csv"))
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    assert "AwaennaS" in text.decode("utf-8-sig")
    assert RLO not in text.decode("utf-8-sig")
