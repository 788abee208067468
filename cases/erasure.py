"""cases' part of a person's erasure and of their last activity (DESIGN.md §8), registered
with beneficiaries.hooks.register_erasure in CasesConfig.ready.

Inside beneficiaries.services.beneficiary_pseudonymise's transaction, for the records given:
1. their cases' notes are deleted, and their documents (the rows now, the encrypted files
   once the transaction commits: a rollback keeps both);
2. the free text of their cases goes: assessment summaries, goals' titles, follow-ups'
   actions and results, closure notes and reopening reasons; the audit snapshots of those
   fields are redacted;
3. no case, date, status, risk level or closure reason changes: the case indicators count
   with them; and each transition gets the person's age on its date, frozen
   (`CaseTransition.frozen_age`, the rule of `Assistance.frozen_age`), which the case
   indicators count instead of the birth date (reporting.case_engine), so no figure moves when
   the date of birth becomes its year.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, OuterRef, Subquery

from assistance.models import FROZEN_AGE_UNKNOWN
from beneficiaries.models import Beneficiary
from cases.models import Assessment, Case, CaseDocument, CaseNote, CaseTransition, FollowUp, Goal
from core import clock, protected_files
from core.audit import REDACTED, redact_personal

FREE_TEXT = {
    Assessment: {"summary": ""},
    Goal: {"title": REDACTED},
    FollowUp: {"action": REDACTED, "result": ""},
    Case: {"closure_note": ""},
    CaseTransition: {"reason": ""},
}


def _ymd(expr: str) -> str:
    return (
        f"(date_part('year', {expr}) * 10000 + date_part('month', {expr}) * 100"
        f" + date_part('day', {expr}))::int"
    )


# The age the case indicators count (the person a record was merged into, else the record; on
# the transition's date), by the engine's rule, as assistance.erasure freezes it on assistances.
_BORN = (
    "CASE WHEN p.date_of_birth IS NOT NULL THEN " + _ymd("p.date_of_birth") + " "
    "WHEN p.birth_year IS NOT NULL THEN p.birth_year * 10000 + 701 END"
)
_FREEZE_SQL = f"""
UPDATE {CaseTransition._meta.db_table} t SET frozen_age = COALESCE(
    CASE WHEN {_ymd("t.on")} >= {_BORN} THEN ({_ymd("t.on")} - {_BORN}) / 10000 END,
    %(unknown)s)
FROM {Case._meta.db_table} c
JOIN {Beneficiary._meta.db_table} b ON b.id = c.beneficiary_id
JOIN {Beneficiary._meta.db_table} p ON p.id = COALESCE(b.merged_into_id, b.id)
WHERE c.id = t.case_id AND c.id = ANY(%(cases)s) AND t.frozen_age IS NULL
"""  # noqa: S608 (table names are the models' own; every value is a parameter)


def erase(person_ids: list[int]) -> None:
    """Freeze the ages of these records' case transitions, delete the notes and documents and
    clear the free text of their cases."""
    cases = Case.objects.filter(beneficiary_id__in=person_ids)
    case_ids = list(cases.values_list("pk", flat=True))
    if not case_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_FREEZE_SQL, {"cases": case_ids, "unknown": FROZEN_AGE_UNKNOWN})
    CaseNote.objects.filter(case_id__in=case_ids).delete()
    documents = CaseDocument.objects.filter(case_id__in=case_ids)
    stored = list(documents.values_list("stored_name", flat=True))
    documents.delete()
    for name in stored:
        protected_files.delete_on_commit(name)
    now = clock.now()
    for model, blank in FREE_TEXT.items():
        rows = (
            model.objects.filter(pk__in=case_ids)
            if model is Case
            else model.objects.filter(case_id__in=case_ids)
        )
        ids = list(rows.values_list("pk", flat=True))
        extra = {"updated_at": now} if model is not CaseTransition else {}
        rows.update(**blank, **extra)
        if model is not CaseTransition:
            redact_personal(model_label=model._meta.label_lower, object_ids=ids, fields=list(blank))


def last_activity():
    """The date of the person's latest case event (opening, closure, reopening) or done
    follow-up: retention runs from the latest record of any app."""
    transitions = CaseTransition.objects.filter(case__beneficiary_id=OuterRef("pk")).order_by(
        F("on").desc()
    )
    return Subquery(transitions.values("on")[:1])
