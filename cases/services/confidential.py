"""Confidential notes and documents (DESIGN.md section 7): the owning organisation's alone,
encrypted at rest. Their text and bytes are encrypted here, before they reach the database or
the disk, and decrypted only for a reader `CaseNote.objects.visible_to` admits; the views log
every read (core.access: view_note, view_document)."""

from __future__ import annotations

import datetime
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.consents.services import user_or_none
from cases.models import Case, CaseDocument, CaseNote
from cases.services.base import writable_case
from core import clock, crypto, protected_files
from core.audit import audit_log
from core.models import AuditEntry
from core.text import plain_text
from core.uploads import validate_document

NOTE_MAX_CHARS = 20_000
# Every case document in one folder of the protected store: its names say nothing of the case.
DOCUMENTS_PREFIX = "case-documents"
# An unreferenced file younger than this may belong to an upload still committing.
ORPHAN_GRACE = datetime.timedelta(hours=24)
# Names checked against the table at a time.
ORPHAN_BATCH = 1000


@transaction.atomic
def note_add(
    *, case: Case, body: str, acting_user, written_on: datetime.date | None = None
) -> CaseNote:
    """Write a confidential note on a case of the user's organisation; stored encrypted."""
    current = writable_case(acting_user, case)
    body = plain_text(body or "", multiline=True).strip()
    if not body:
        raise ValidationError({"body": _("La note est vide.")})
    if len(body) > NOTE_MAX_CHARS:
        raise ValidationError(
            {
                "body": ngettext(
                    "La note dépasse %(max)s caractère.",
                    "La note dépasse %(max)s caractères.",
                    NOTE_MAX_CHARS,
                )
                % {"max": NOTE_MAX_CHARS}
            }
        )
    written_on = written_on or clock.today()
    if written_on > clock.today() or written_on < current.opened_on:
        raise ValidationError(
            {"written_on": _("La date doit être entre l'ouverture du dossier et aujourd'hui.")}
        )
    note = CaseNote(
        case=current,
        written_on=written_on,
        body_encrypted=crypto.encrypt_text(body),
        created_by=user_or_none(acting_user),
    )
    note.full_clean()
    note.save()
    # The audit says a note was written, never what it says.
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.CREATE,
        instance=note,
        changes={"case_id": [None, current.pk], "written_on": [None, written_on.isoformat()]},
    )
    return note


def note_text(*, note: CaseNote, user) -> str:
    """The note's text, for a reader the note is visible to (PermissionDenied otherwise)."""
    if not CaseNote.objects.visible_to(user).filter(pk=note.pk).exists():
        raise PermissionDenied(_("Cette note n'est pas accessible."))
    return crypto.decrypt_text(note.body_encrypted)


@transaction.atomic
def document_upload(
    *, case: Case, kind: str, uploaded_file, acting_user, title: str = ""
) -> CaseDocument:
    """Store a PDF, JPEG or PNG (checked by its bytes, 10 MB at most) on a case, encrypted in
    the protected store. The file is written before the row; if the row fails, the file goes
    (a rollback of a caller's wider transaction would leave an unreferenced encrypted file,
    which no view can reach)."""
    current = writable_case(acting_user, case)
    data, content_type = validate_document(uploaded_file)
    stored_name = protected_files.store(data, prefix=DOCUMENTS_PREFIX)
    try:
        document = CaseDocument(
            case=current,
            kind=kind,
            title=plain_text(title or "").strip(),
            stored_name=stored_name,
            content_type=content_type,
            size=len(data),
            original_name_encrypted=crypto.encrypt_text(
                str(getattr(uploaded_file, "name", "") or "")[:200]
            ),
            created_by=user_or_none(acting_user),
        )
        document.full_clean()
        document.save()
        audit_log(
            actor=acting_user,
            action=AuditEntry.Action.CREATE,
            instance=document,
            changes={
                "case_id": [None, current.pk],
                "kind": [None, kind],
                "content_type": [None, content_type],
                "size": [None, len(data)],
            },
        )
    except Exception:
        protected_files.delete(stored_name)
        raise
    return document


def document_read(*, document: CaseDocument, user) -> tuple[bytes, str, str]:
    """The document's bytes, format and a download name, for a reader it is visible to."""
    if not CaseDocument.objects.visible_to(user).filter(pk=document.pk).exists():
        raise PermissionDenied(_("Ce document n'est pas accessible."))
    data = protected_files.read(document.stored_name)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
        document.content_type
    ]
    return data, document.content_type, f"document-{document.pk}.{extension}"


def documents_purge_orphans(
    *, now: datetime.datetime | None = None, max_files: int = 100_000
) -> int:
    """Delete the encrypted files no document row names any more (an upload whose wider
    transaction rolled back after the file was written), once older than ORPHAN_GRACE. Reads
    at most `max_files` names a run; returns how many files went."""
    folder = protected_files.root() / DOCUMENTS_PREFIX
    if not folder.is_dir():
        return 0
    cutoff = (now or clock.now()).timestamp() - ORPHAN_GRACE.total_seconds()
    removed = 0
    batch: list[str] = []

    def purge(names: list[str]) -> int:
        known = set(
            CaseDocument.objects.filter(stored_name__in=names).values_list("stored_name", flat=True)
        )
        for name in set(names) - known:
            protected_files.delete(name)
        return len(set(names) - known)

    with os.scandir(folder) as entries:
        for seen, entry in enumerate(entries):
            if seen >= max_files:
                break
            if entry.name.startswith(".") or not entry.is_file():
                continue
            if entry.stat().st_mtime > cutoff:
                continue
            batch.append(f"{DOCUMENTS_PREFIX}/{entry.name}")
            if len(batch) >= ORPHAN_BATCH:
                removed += purge(batch)
                batch = []
    if batch:
        removed += purge(batch)
    return removed
