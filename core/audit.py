"""Writing the audit trail. Services call these inside their own transaction.

The trail is append-only: PostgreSQL refuses an UPDATE or a DELETE of its rows (migration
core 0008_append_only_audit_and_access_log). `redaction()` is the one way to rewrite an
entry's `changes`, for the erasure of a person on request."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.db.transaction import TransactionManagementError

from core.models import AuditEntry


def plain(value):
    """A model field value as JSON-ready data (used for audit snapshots)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict:
    """The audited fields of `instance`, as JSON-ready values."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"created_at", "updated_at", "version"}:
            continue
        data[field.attname] = plain(getattr(instance, field.attname))
    return data


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit_log(*, actor, action: str, instance: models.Model, changes: dict | None = None) -> None:
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        changes=changes or {},
    )


def audit_create(*, actor, instance: models.Model) -> None:
    """Audit a new record with all its audited fields as the change."""
    audit_log(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instance=instance,
        changes=diff({}, snapshot(instance)),
    )


def audit_log_many(*, actor, action: str, instances: Iterable[models.Model]) -> None:
    actor = actor if getattr(actor, "pk", None) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                action=action,
                model=instance._meta.label_lower,
                object_id=str(instance.pk),
                changes=snapshot(instance) if action == AuditEntry.Action.CREATE else {},
            )
            for instance in instances
        ],
        batch_size=2000,
    )


# --- Redaction (DESIGN.md §8, "Erasure on request") -----------------------------------------
# The audit trail is append-only: PostgreSQL refuses an UPDATE of core_auditentry unless the
# transaction has set `iom_cases.audit_redaction` to 'on', and then only of `changes`. A
# pseudonymised person's snapshots hold their names: these are the one rewrite allowed.

REDACTED = "[effacé]"
# Entries are rewritten by groups of objects, each one UPDATE through the (model, object_id)
# index, so erasing a person with thousands of rows never builds one unbounded statement.
REDACTION_BATCH = 1000

_REDACT_SQL = f"""
UPDATE {AuditEntry._meta.db_table} SET changes = (
  SELECT jsonb_object_agg(
    item.key,
    CASE WHEN item.key <> ALL(%(fields)s) THEN item.value
         WHEN jsonb_typeof(item.value) = 'array' THEN COALESCE((
           SELECT jsonb_agg(
             CASE WHEN e.value IN ('null'::jsonb, '""'::jsonb) THEN e.value
                  ELSE to_jsonb(%(redacted)s::text) END ORDER BY e.ordinality)
           FROM jsonb_array_elements(item.value) WITH ORDINALITY AS e(value, ordinality)
         ), '[]'::jsonb)
         WHEN item.value IN ('null'::jsonb, '""'::jsonb) THEN item.value
         ELSE to_jsonb(%(redacted)s::text) END)
  FROM jsonb_each(changes) AS item)
WHERE model = %(model)s AND object_id = ANY(%(ids)s)
  AND jsonb_typeof(changes) = 'object' AND changes ?| %(fields)s
"""  # noqa: S608 (the table name is the model's own; every value is a parameter)


@transaction.atomic
def redact_personal(*, model_label: str, object_ids: Iterable, fields: Iterable[str]) -> int:
    """Replace, in the audit entries of the objects `object_ids` of `model_label` (e.g.
    "beneficiaries.beneficiary"), the values of `fields` by "[effacé]": a snapshot's value,
    or each side of a change (an empty side stays empty, so the entry still reads as a
    creation or a clearing). Other keys, and the entries' who/when/what, stay as they were.
    Returns the number of entries rewritten."""
    ids = sorted({str(pk) for pk in object_ids})
    names = sorted(set(fields))
    if not ids or not names:
        return 0
    rewritten = 0
    with redaction(), connection.cursor() as cursor:
        for start in range(0, len(ids), REDACTION_BATCH):
            cursor.execute(
                _REDACT_SQL,
                {
                    "fields": names,
                    "redacted": REDACTED,
                    "model": model_label.lower(),
                    "ids": ids[start : start + REDACTION_BATCH],
                },
            )
            rewritten += cursor.rowcount
    return rewritten


@contextmanager
def redaction() -> Iterator[None]:
    """Allow, inside this block only, UPDATEs of the `changes` of audit entries, for the
    erasure of a person on request. The database still refuses any other column changed in
    the same UPDATE, any DELETE, and anything on the access log.

    Must run inside `transaction.atomic()` (the setting is SET LOCAL: it cannot outlive the
    transaction). The block is a savepoint: if it fails, the setting is rolled back with it;
    when it ends, the setting is turned off again for the rest of the transaction::

        with transaction.atomic():
            with audit.redaction():
                AuditEntry.objects.filter(model=..., object_id=...).update(changes={...})
            audit_log(actor=..., action=..., instance=..., changes={"redacted": ...})
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("core.audit.redaction() must run in transaction.atomic()")
    with transaction.atomic():
        _set_redaction("on")
        yield
        _set_redaction("off")


def _set_redaction(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('iom_cases.audit_redaction', %s, true)", [value])
