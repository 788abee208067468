"""Reads of a case's notes and documents, in the access log (DESIGN.md §8): each is recorded
against the person's file, so "who viewed this file" (beneficiaries.access_log) lists them
beside the views of the file itself, with the note or document in the entry's details."""

from __future__ import annotations

from cases.models import CaseDocument, CaseNote
from core import access

PERSON_MODEL = "beneficiaries.beneficiary"


def record_note_read(request, notes: list[CaseNote] | CaseNote) -> None:
    """One entry per person whose notes were read (a list of notes of one case: one entry)."""
    notes = notes if isinstance(notes, list) else [notes]
    by_person: dict[int, list[CaseNote]] = {}
    for note in notes:
        by_person.setdefault(note.case.beneficiary_id, []).append(note)
    for person_id, read in by_person.items():
        access.record(
            request,
            access.Action.VIEW_NOTE,
            model=PERSON_MODEL,
            object_id=person_id,
            details={"case": read[0].case_id, "notes": [n.pk for n in read]},
        )


def record_document_read(request, document: CaseDocument) -> None:
    access.record(
        request,
        access.Action.VIEW_DOCUMENT,
        model=PERSON_MODEL,
        object_id=document.case.beneficiary_id,
        details={"case": document.case_id, "document": document.pk},
    )
