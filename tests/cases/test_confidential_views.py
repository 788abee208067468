"""Pages of a case's confidential notes and documents (DESIGN.md section 7): the owning
organisation's alone, every reading logged, every refused upload leaving nothing behind.

alice holds the case (partner A), bob is her colleague; charlie works for partner B; carol
works for partner C, to which alice referred the person (accepted: carol sees the person, not
A's case); the donor never reaches a personal record; the IOM officer reads IOM's own notes,
never a partner's."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assistance.referrals.services import referral_create, referral_respond
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_register
from cases.models import CaseDocument, CaseNote
from cases.services import case_open, document_upload, note_add
from core import crypto
from core.models import AccessEntry
from partners.choices import Role
from tests.cases.factories import counted_queries
from tests.partners.factories import OrganisationFactory, city, member

SECRET = "Elle craint son ancien employeur, qui la cherche à Oujda."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def register(user, ref):
    return beneficiary_register(
        acting_user=user,
        beneficiary_ref=ref,
        first_name="Awa",
        last_name="Diallo",
        sex="F",
        registered_on=datetime.date(2024, 1, 1),
        consent=True,
    )


@pytest.fixture
def person(alice):
    return register(alice, "A-1")


@pytest.fixture
def case(person, alice):
    return case_open(beneficiary=person, acting_user=alice)


@pytest.fixture
def note(case, alice):
    return note_add(case=case, body=SECRET, acting_user=alice)


@pytest.fixture
def document(case, alice):
    upload = SimpleUploadedFile("consentement-awa-diallo.pdf", PDF, "application/pdf")
    return document_upload(
        case=case,
        kind="consent_form",
        uploaded_file=upload,
        title="Consentement",
        acting_user=alice,
    )


@pytest.fixture
def carol(alice, person):
    """A caseworker of partner C, to which alice referred the person: accepted."""
    partner_c = OrganisationFactory(slug="partner-c", name="Partenaire C", city=city("rabat"))
    carol = member(partner_c, Role.CASEWORKER, username="carol")
    referral = referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_c,
        acting_user=alice,
    )
    referral_respond(referral=referral, accept=True, acting_user=carol)
    assert Beneficiary.objects.visible_to(carol).filter(pk=person.pk).exists()
    return carol


@pytest.fixture
def iom_case(officer):
    person = register(officer, "IOM-1")
    return case_open(beneficiary=person, acting_user=officer)


def entries(action, obj):
    """The access log's entries of reads of a note or a document: against the person's file,
    naming the note or the document (cases.access)."""
    key = {"casenote": "notes", "casedocument": "document"}[obj._meta.model_name]
    value = [obj.pk] if key == "notes" else obj.pk
    return AccessEntry.objects.filter(
        action=action,
        model="beneficiaries.beneficiary",
        object_id=str(obj.case.beneficiary_id),
        **{f"details__{key}": value},
    )


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Reading a note ------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["alice", "bob"])
def test_the_owning_organisation_reads_a_note_and_each_reading_is_logged(
    client, note, reader, request
):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    url = reverse("case_files:note_detail", args=[note.pk])
    for _time in range(2):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert SECRET.replace("'", "&#x27;") in body
        assert 'id="confidential-notice"' in body
    logged = entries(AccessEntry.Action.VIEW_NOTE, note)
    assert logged.count() == 2
    assert {e.user_id for e in logged} == {user.pk}
    assert logged.first().details == {"case": note.case_id, "notes": [note.pk]}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("outsider", ["charlie", "carol", "donor_user", "officer"])
def test_nobody_else_reads_a_note(client, note, outsider, request):
    """Another partner, the partner the person was referred to, a donor, IOM (a partner's
    case): 404, and nothing logged as read."""
    client.force_login(request.getfixturevalue(outsider))
    response = client.get(reverse("case_files:note_detail", args=[note.pk]))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert not entries(AccessEntry.Action.VIEW_NOTE, note).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, note, document):
    for url in (
        reverse("case_files:note_detail", args=[note.pk]),
        reverse("case_files:document_download", args=[document.pk]),
        reverse("case_files:index", args=[note.case_id]),
        reverse("case_files:document_upload", args=[note.case_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(reverse("case_files:note_add", args=[note.case_id]), {"body": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert CaseNote.objects.count() == 1
    assert not AccessEntry.objects.filter(
        action__in=[AccessEntry.Action.VIEW_NOTE, AccessEntry.Action.VIEW_DOCUMENT]
    ).exists()


def test_an_iom_officer_reads_the_notes_of_ioms_own_cases(client, officer, iom_case):
    own = note_add(case=iom_case, body="Note de l'OIM", acting_user=officer)
    client.force_login(officer)
    response = client.get(reverse("case_files:note_detail", args=[own.pk]))
    assert response.status_code == 200
    assert "Note de l&#x27;OIM" in response.content.decode()
    assert entries(AccessEntry.Action.VIEW_NOTE, own).get().user == officer


def test_an_iom_officers_note_stays_from_partners(client, officer, iom_case, alice):
    own = note_add(case=iom_case, body="Note de l'OIM", acting_user=officer)
    client.force_login(alice)
    assert client.get(reverse("case_files:note_detail", args=[own.pk])).status_code == 404


# --- The files page and writing a note -------------------------------------------------------


def test_the_files_page_lists_notes_by_date_without_their_text(client, alice, note, document):
    client.force_login(alice)
    response = client.get(reverse("case_files:index", args=[note.case_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("case_files:note_detail", args=[note.pk]) in body
    assert reverse("case_files:document_download", args=[document.pk]) in body
    assert "Elle craint" not in body
    assert "consentement-awa-diallo" not in body  # the uploaded name is never shown
    # Listing is not reading: nothing logged.
    assert not AccessEntry.objects.filter(action=AccessEntry.Action.VIEW_NOTE).exists()


@pytest.mark.parametrize("outsider", ["charlie", "carol", "donor_user", "officer"])
def test_the_files_page_is_the_owning_organisations_alone(client, note, outsider, request):
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(reverse("case_files:index", args=[note.case_id])).status_code == 404


@pytest.mark.parametrize("writer", ["alice", "bob"])
def test_a_note_is_written_encrypted(client, case, writer, request):
    client.force_login(request.getfixturevalue(writer))
    response = client.post(reverse("case_files:note_add", args=[case.pk]), {"body": SECRET})
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case)
    assert SECRET not in note.body_encrypted
    assert "craint" not in note.body_encrypted
    assert crypto.decrypt_text(note.body_encrypted) == SECRET


@pytest.mark.parametrize("outsider", ["charlie", "carol", "donor_user", "officer"])
def test_nobody_else_writes_a_note(client, case, outsider, request):
    client.force_login(request.getfixturevalue(outsider))
    response = client.post(reverse("case_files:note_add", args=[case.pk]), {"body": "Intrus"})
    assert response.status_code == 404
    assert not CaseNote.objects.exists()


def test_an_empty_note_is_refused_with_a_reason(client, alice, case):
    client.force_login(alice)
    response = client.post(reverse("case_files:note_add", args=[case.pk]), {"body": "   "})
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert not CaseNote.objects.exists()


def test_a_note_dated_before_the_case_opened_is_refused(client, alice, case):
    client.force_login(alice)
    response = client.post(
        reverse("case_files:note_add", args=[case.pk]),
        {"body": "Trop tôt", "written_on": (case.opened_on - datetime.timedelta(days=1))},
    )
    assert response.status_code == 400
    assert "entre l&#x27;ouverture du dossier" in response.content.decode()
    assert not CaseNote.objects.exists()


def test_a_note_page_is_not_offered_to_get(client, alice, case):
    client.force_login(alice)
    assert client.get(reverse("case_files:note_add", args=[case.pk])).status_code == 405


# --- Downloading a document ------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["alice", "bob"])
def test_the_owning_organisation_downloads_a_document_and_each_download_is_logged(
    client, document, reader, request
):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    response = client.get(reverse("case_files:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert "awa" not in response["Content-Disposition"].lower()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    logged = entries(AccessEntry.Action.VIEW_DOCUMENT, document).get()
    assert logged.user == user
    assert logged.details == {"case": document.case_id, "document": document.pk}
    client.get(reverse("case_files:document_download", args=[document.pk]))
    assert entries(AccessEntry.Action.VIEW_DOCUMENT, document).count() == 2


@pytest.mark.parametrize("outsider", ["charlie", "carol", "donor_user", "officer"])
def test_nobody_else_downloads_a_document(client, document, outsider, request):
    client.force_login(request.getfixturevalue(outsider))
    response = client.get(reverse("case_files:document_download", args=[document.pk]))
    assert response.status_code == 404
    assert PDF not in response.content
    assert not entries(AccessEntry.Action.VIEW_DOCUMENT, document).exists()


def test_an_iom_officer_downloads_ioms_own_documents(client, officer, iom_case):
    own = document_upload(
        case=iom_case,
        kind="identity",
        uploaded_file=SimpleUploadedFile("passeport.png", png_bytes()),
        acting_user=officer,
    )
    client.force_login(officer)
    response = client.get(reverse("case_files:document_download", args=[own.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert entries(AccessEntry.Action.VIEW_DOCUMENT, own).get().user == officer


# --- Uploading a document --------------------------------------------------------------------


def upload(client, case, name, content, kind="consent_form", title=""):
    return client.post(
        reverse("case_files:document_upload", args=[case.pk]),
        {"kind": kind, "title": title, "file": SimpleUploadedFile(name, content)},
    )


def test_the_upload_form_sends_files(client, alice, case):
    client.force_login(alice)
    response = client.get(reverse("case_files:document_upload", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert "Formulaire de consentement" in body


def test_a_png_named_pdf_is_kept_as_the_png_it_is_encrypted_on_disk(
    client, alice, case, protected_root
):
    client.force_login(alice)
    image = png_bytes()
    response = upload(client, case, "consent.pdf", image, title="Consentement signé")
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert document.content_type == "image/png"
    assert document.size == len(image)
    assert document.title == "Consentement signé"
    assert crypto.decrypt_text(document.original_name_encrypted) == "consent.pdf"
    [on_disk] = stored_files(protected_root)
    stored = on_disk.read_bytes()
    assert image not in stored and not stored.startswith(b"\x89PNG")
    assert on_disk.name not in ("consent.pdf",) and "consent" not in str(on_disk)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("consent.pdf", b"Je consens. Signature : Awa", "Seuls les fichiers PDF, JPEG ou PNG"),
        ("photo.png", png_bytes()[:40], "Seuls les fichiers PDF, JPEG ou PNG"),
        ("vide.pdf", b"", "vide"),
        ("gros.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "Le fichier dépasse 10 Mo"),
    ],
)
def test_a_refused_file_leaves_nothing_behind(
    client, alice, case, protected_root, name, content, message
):
    client.force_login(alice)
    response = upload(client, case, name, content)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="form-errors"' in body
    assert not CaseDocument.objects.exists()
    assert stored_files(protected_root) == []


def test_a_body_over_the_upload_limit_is_stopped_and_refused_on_the_form(
    client, alice, case, protected_root, settings
):
    """core.uploads.LimitedUploadHandler stops a body larger than every limit of the app
    before reading it: the page says why, on the form, and nothing is stored."""
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(alice)
    response = upload(client, case, "scan.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert "Le fichier dépasse 1 Mo" in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert stored_files(protected_root) == []


@pytest.mark.parametrize("outsider", ["charlie", "carol", "donor_user", "officer"])
def test_nobody_else_uploads_a_document(client, case, outsider, request, protected_root):
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(reverse("case_files:document_upload", args=[case.pk])).status_code == 404
    response = upload(client, case, "consent.pdf", PDF)
    assert response.status_code == 404
    assert not CaseDocument.objects.exists()
    assert stored_files(protected_root) == []


def test_the_files_page_reads_in_a_fixed_number_of_queries(client, alice, bob, case):
    client.force_login(alice)
    url = reverse("case_files:index", args=[case.pk])
    note_add(case=case, body="Première", acting_user=alice)
    with counted_queries() as one:
        assert client.get(url).status_code == 200
    for number in range(5):
        note_add(case=case, body=f"Note {number}", acting_user=bob)
        document_upload(
            case=case,
            kind="identity",
            uploaded_file=SimpleUploadedFile(f"id-{number}.png", png_bytes()),
            acting_user=bob,
        )
    with counted_queries() as many:
        assert client.get(url).status_code == 200
    assert 0 < len(many) <= len(one)
