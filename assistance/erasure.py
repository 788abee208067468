"""assistance's part of a person's erasure and of their last activity (DESIGN.md §8),
registered with beneficiaries.hooks.register_erasure in AssistanceConfig.ready.

beneficiaries.services.beneficiary_pseudonymise calls `erase` inside its transaction, before it
takes the person's names and exact date of birth:

1. every assistance of these records gets the age it is counted with, frozen
   (`Assistance.frozen_age`): the engine's rule (`reporting.engine.age_sql`, the SQL twin of
   `beneficiaries.models.age_on`) applied here to the person the row counts for (the record it
   was merged into, else its own), on the row's own `delivered_on`; `FROZEN_AGE_UNKNOWN` when
   that age is unknown. The fact table's definition counts a frozen age instead of the birth
   date (reporting migration `fact_frozen_age`), so no figure moves when the date of birth
   becomes its year. Every row is frozen, not only the delivered ones: a row that is not
   counted today has its age ready if it ever is;
2. the free text about the person goes: the notes of their assistances (a group session's
   row included), the reason and decline note of their referrals, the notes of their return
   cases; and the audit trail's snapshots of those fields are redacted. A group activity's
   title names the session, not a person: it stays. Nothing here stores documents;
3. no row is deleted and no count, date, category, place or project changes.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest, TruncDate

from assistance.choices import Status
from assistance.models import FROZEN_AGE_UNKNOWN, Assistance, Referral, ReturnCase
from beneficiaries.models import Beneficiary
from core import clock
from core.audit import redact_personal

# The free text of each model about the person, cleared and redacted (the cancel reason
# is only in the audit trail: AuditEntry.changes["reason"]).
FREE_TEXT = {
    Assistance: ("notes",),
    Referral: ("reason", "decline_note"),
    ReturnCase: ("notes",),
}
AUDITED_TEXT = {Assistance: ("notes", "reason"), Referral: ("reason", "decline_note")}


def _ymd(expr: str) -> str:
    return (
        f"(date_part('year', {expr}) * 10000 + date_part('month', {expr}) * 100"
        f" + date_part('day', {expr}))::int"
    )


# The row's age by the engine's rule: whole years between the birth key (the date of birth as
# yyyymmdd, else 1 July of the birth year) and the day key, unknown when either is missing or
# the birth comes after the day. One UPDATE for all of a person's rows, the notes with it
# (one statement: the fact table's trigger rebuilds those rows once).
_BORN = (
    "CASE WHEN p.date_of_birth IS NOT NULL THEN " + _ymd("p.date_of_birth") + " "
    "WHEN p.birth_year IS NOT NULL THEN p.birth_year * 10000 + 701 END"
)
_FREEZE_SQL = f"""
UPDATE {Assistance._meta.db_table} a SET
  frozen_age = COALESCE(a.frozen_age, COALESCE(
    CASE WHEN {_ymd("a.delivered_on")} >= {_BORN}
         THEN ({_ymd("a.delivered_on")} - {_BORN}) / 10000 END, %(unknown)s)),
  notes = '', version = a.version + 1, updated_at = %(now)s
FROM {Beneficiary._meta.db_table} b
JOIN {Beneficiary._meta.db_table} p ON p.id = COALESCE(b.merged_into_id, b.id)
WHERE b.id = a.beneficiary_id AND a.beneficiary_id = ANY(%(ids)s)
  AND (a.frozen_age IS NULL OR a.notes <> '')
"""  # noqa: S608 (table names are the models' own; every value is a parameter)


def erase(person_ids: list[int]) -> None:
    """Freeze the ages and clear the free text of these records' rows (see the module)."""
    now = clock.now()
    assistance_ids = list(
        Assistance.objects.filter(beneficiary_id__in=person_ids).values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _FREEZE_SQL, {"ids": list(person_ids), "unknown": FROZEN_AGE_UNKNOWN, "now": now}
        )
    for model in (Referral, ReturnCase):
        blank = {name: "" for name in FREE_TEXT[model]}
        any_text = Q()
        for name in FREE_TEXT[model]:
            any_text |= ~Q(**{name: ""})
        rows = model.objects.filter(beneficiary_id__in=person_ids)
        ids = list(rows.values_list("pk", flat=True))
        rows.filter(any_text).update(**blank, updated_at=now)
        if model in AUDITED_TEXT:
            redact_personal(
                model_label=model._meta.label_lower, object_ids=ids, fields=AUDITED_TEXT[model]
            )
    redact_personal(
        model_label=Assistance._meta.label_lower,
        object_ids=assistance_ids,
        fields=AUDITED_TEXT[Assistance],
    )
    return_case_ids = ReturnCase.objects.filter(beneficiary_id__in=person_ids).values_list(
        "pk", flat=True
    )
    redact_personal(
        model_label=ReturnCase._meta.label_lower,
        object_ids=return_case_ids,
        fields=FREE_TEXT[ReturnCase],
    )


def _latest(queryset, expression):
    """The latest value of `expression` among `queryset`'s rows (NULL: no row)."""
    ordered = queryset.annotate(on=expression).order_by(F("on").desc(nulls_last=True))
    return Subquery(ordered.values("on")[:1])


def last_activity():
    """The date of the person's latest assistance (delivered or planned), referral event
    (sent, answered, outcome) or return case event (opened, returned, closed), theirs or a
    record's merged into them (a merge moves the rows over; rows left behind count too).

    Each part is its own correlated subquery on `beneficiary_id` (its index), for the person
    and, through `merged_into`'s index, for the records merged into them: an OR of the two
    would make PostgreSQL scan every row of the table once per person."""
    parts = []
    for owner in ("beneficiary_id", "beneficiary__merged_into_id"):
        mine = {owner: OuterRef("pk")}
        parts += [
            _latest(
                Assistance.objects.filter(**mine).exclude(status=Status.CANCELLED),
                F("delivered_on"),
            ),
            _latest(
                Referral.objects.filter(**mine),
                Greatest("referred_on", "outcome_on", TruncDate("responded_at")),
            ),
            _latest(
                ReturnCase.objects.filter(**mine),
                Greatest("opened_on", "returned_on", "closed_on"),
            ),
        ]
    return Greatest(*parts)
