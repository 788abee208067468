"""A case's confidential notes and documents through the API: the owning organisation's staff
alone (an IOM officer who reads a partner's case gets 404 on them), every read logged, notes
encrypted at rest, documents told by their bytes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseDocument, CaseNote
from cases.services import document_upload, note_add
from core.models import AccessEntry
from tests.cases.api.data import PDF, png_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _notes(case):
    return f"/api/v1/cases/{case.pk}/notes/"


def _documents(case):
    return f"/api/v1/cases/{case.pk}/documents/"


def _upload(client, case, content: bytes, name: str = "consentement.pdf", **fields):
    return client.post(
        _documents(case),
        {"kind": "consent_form", "file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


# --- Notes ------------------------------------------------------------------------------------


def test_a_note_is_written_encrypted_and_read_back_by_colleagues(api, alice, bob, case):
    response = api(alice).post(
        _notes(case), {"body": "Elle craint son ancien passeur.", "written_on": "2024-03-02"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["body"] == "Elle craint son ancien passeur."
    stored = CaseNote.objects.get()
    assert "passeur" not in stored.body_encrypted  # only the token reaches the database

    read = api(bob).get(_notes(case))
    assert read.status_code == 200
    assert [n["body"] for n in read.json()["results"]] == ["Elle craint son ancien passeur."]
    # Logged against the person's file, so "who viewed this file" lists it.
    [entry] = AccessEntry.objects.filter(action=AccessEntry.Action.VIEW_NOTE)
    assert (entry.user, entry.channel, entry.model, entry.object_id) == (
        bob,
        "api",
        "beneficiaries.beneficiary",
        str(case.beneficiary_id),
    )
    assert entry.details == {"case": case.pk, "notes": [stored.pk]}


def test_an_empty_note_is_refused(api, alice, case):
    response = api(alice).post(_notes(case), {"body": "   "}, format="json")
    assert response.status_code == 400
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 404), ("charlie", 404), ("donor_user", 403), (None, 401)],
)
def test_notes_are_the_owning_organisations_alone(api, alice, case, request, who, status):
    note_add(case=case, body="SECRET-NOTE", acting_user=alice)
    user = request.getfixturevalue(who) if who else None
    client = api(user)
    read = client.get(_notes(case))
    assert read.status_code == status
    assert b"SECRET-NOTE" not in read.content
    write = client.post(_notes(case), {"body": "intrusion"}, format="json")
    assert write.status_code == status
    assert CaseNote.objects.count() == 1
    assert not AccessEntry.objects.filter(action=AccessEntry.Action.VIEW_NOTE).exists()
    if who == "officer":  # who sees the case itself, without any note in it
        detail = client.get(f"/api/v1/cases/{case.pk}/")
        assert detail.status_code == 200
        assert b"SECRET-NOTE" not in detail.content


def test_the_case_representation_has_no_note_nor_document(api, alice, case):
    note_add(case=case, body="SECRET-NOTE", acting_user=alice)
    document_upload(
        case=case,
        kind="identity",
        title="SECRET-TITLE",
        uploaded_file=SimpleUploadedFile("passport.pdf", PDF),
        acting_user=alice,
    )
    for url in (f"/api/v1/cases/{case.pk}/", "/api/v1/cases/"):
        content = api(alice).get(url).content
        assert b"SECRET" not in content and b"passport" not in content


# --- Documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [(PDF, "consentement.pdf", "application/pdf"), (png_bytes(), "scan.jpg", "image/png")],
)
def test_documents_are_told_by_their_bytes(api, alice, case, content, name, content_type):
    response = _upload(api(alice), case, content, name, title="Consentement")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["content_type"], body["size"], body["kind"]) == (
        content_type,
        len(content),
        "consent_form",
    )
    listed = api(alice).get(_documents(case)).json()["results"]
    assert [d["id"] for d in listed] == [body["id"]]


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 not a pdf at all", b"<html><script>alert(1)</script></html>", b""],
)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_whatever_its_name(
    api, alice, case, protected_files, content
):
    response = _upload(api(alice), case, content, "consentement.pdf")
    assert response.status_code == 400
    assert "file" in response.json()
    assert not CaseDocument.objects.exists()
    assert not [path for path in protected_files.rglob("*") if path.is_file()]


def test_a_forged_png_is_refused(api, alice, case):
    response = _upload(api(alice), case, png_bytes()[:30], "photo.png")
    assert response.status_code == 400
    assert response.json()["file"] == ["Seuls les fichiers PDF, JPEG ou PNG sont acceptés."]
    assert not CaseDocument.objects.exists()


def test_a_document_over_its_limit_gets_400_and_a_body_over_the_app_limit_413(
    api, alice, case, settings
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1 * MB
    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * MB
    over_document = _upload(api(alice), case, PDF + b"0" * MB)
    assert over_document.status_code == 400
    assert over_document.json() == {"file": ["Le fichier dépasse 1 Mo."]}
    over_app = _upload(api(alice), case, PDF + b"0" * (3 * MB))
    assert over_app.status_code == 413
    assert over_app.json() == {"file": ["Le fichier dépasse 1 Mo."]}
    assert not CaseDocument.objects.exists()


def test_a_download_is_an_attachment_and_is_logged(api, alice, bob, case):
    created = _upload(api(alice), case, PDF).json()
    response = api(bob).get(f"/api/v1/documents/{created['id']}/download/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="document-{created["id"]}.pdf"'
    [entry] = AccessEntry.objects.filter(action=AccessEntry.Action.VIEW_DOCUMENT)
    assert (entry.user, entry.channel, entry.model, entry.object_id) == (
        bob,
        "api",
        "beneficiaries.beneficiary",
        str(case.beneficiary_id),
    )
    assert entry.details == {"case": case.pk, "document": created["id"]}


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 404), ("charlie", 404), ("donor_user", 403), (None, 401)],
)
def test_documents_are_the_owning_organisations_alone(api, alice, case, request, who, status):
    document = document_upload(
        case=case,
        kind="identity",
        uploaded_file=SimpleUploadedFile("passport.pdf", PDF),
        acting_user=alice,
    )
    user = request.getfixturevalue(who) if who else None
    client = api(user)
    for url in (
        _documents(case),
        f"/api/v1/documents/{document.pk}/",
        f"/api/v1/documents/{document.pk}/download/",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert PDF not in response.content
    assert _upload(client, case, PDF).status_code == status
    assert CaseDocument.objects.count() == 1
    assert not AccessEntry.objects.filter(action=AccessEntry.Action.VIEW_DOCUMENT).exists()


def test_reading_notes_costs_a_bounded_number_of_queries(
    api, alice, case, django_assert_max_num_queries
):
    for n in range(15):
        note_add(case=case, body=f"Note {n}", acting_user=alice)
    client = api(alice)
    with django_assert_max_num_queries(10):
        response = client.get(_notes(case))
    assert len(response.json()["results"]) == 15
    assert AccessEntry.objects.filter(action=AccessEntry.Action.VIEW_NOTE).count() == 1
