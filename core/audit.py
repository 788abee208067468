"""Writing the audit trail. Services call these inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.db import models
from django.db.models.fields.files import FieldFile

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
