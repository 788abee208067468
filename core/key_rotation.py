"""Re-encrypt what the registries of core.crypto and core.protected_files name with the current
key (`manage.py rotate_encryption_key`; the procedure is in core.crypto's docstring).

A column is walked by primary key, a bounded batch at a time, each batch one transaction that
locks its rows (SELECT … FOR UPDATE): a note edited or a document deleted meanwhile waits for
the batch, so its new token is never overwritten with an old one, nor a deleted file written
back. The next batch starts after the last key seen (keyset pagination), not at an offset
that rows written meanwhile would shift, and no cursor stays open across the commits.

A token already under the current key is left as it is, so a second run writes nothing.
Re-encryption changes no content: rows are updated in place (no save(), no audit entry, no
new version), and a token keeps the timestamp it was made with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, transaction

from core import crypto, protected_files


@dataclass
class ColumnResult:
    """What one registered column gave: counts, and the primary keys of the rows whose token
    no configured key opens (or whose file is gone), for the operator to look into."""

    label: str
    rotated: int = 0
    current: int = 0
    unreadable: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # files only


def resolve(model_label: str, field_name: str) -> type[models.Model]:
    """The registered model, or ImproperlyConfigured naming the bad registration."""
    try:
        model = apps.get_model(model_label)
        model._meta.get_field(field_name)
    except (LookupError, ValueError, FieldDoesNotExist) as exc:
        raise ImproperlyConfigured(
            f"Encrypted column {model_label}.{field_name} is registered but does not exist."
        ) from exc
    return model


def _batches(model, field_name: str, *, batch_size: int, lock: bool):
    """(pk, value) rows with a value, a batch at a time, each inside its own transaction."""
    rows = model._base_manager.exclude(**{f"{field_name}__isnull": True}).exclude(
        **{field_name: ""}
    )
    last = None
    while True:
        with transaction.atomic():
            batch = rows.order_by("pk")
            if last is not None:
                batch = batch.filter(pk__gt=last)
            if lock:
                batch = batch.select_for_update()
            found = list(batch.values_list("pk", field_name)[:batch_size])
            if not found:
                return
            yield found  # the caller's writes happen before the transaction commits
            last = found[-1][0]


def rotate_text_column(
    model_label: str, field_name: str, *, batch_size: int = 500, dry_run: bool = False
) -> ColumnResult:
    """Re-encrypt a column of `crypto.encrypt_text` tokens (or count what would be)."""
    model = resolve(model_label, field_name)
    result = ColumnResult(label=f"{model_label}.{field_name}")
    for rows in _batches(model, field_name, batch_size=batch_size, lock=not dry_run):
        changed = []
        for pk, token in rows:
            if crypto.is_current(token):
                result.current += 1
                continue
            try:
                rotated = crypto.rotate_token(token)
            except crypto.DecryptionError:
                result.unreadable.append(pk)
                continue
            result.rotated += 1
            changed.append(model(pk=pk, **{field_name: rotated}))
        if changed and not dry_run:
            model._base_manager.bulk_update(changed, [field_name])
    return result


def rotate_file_column(
    model_label: str, field_name: str, *, batch_size: int = 500, dry_run: bool = False
) -> ColumnResult:
    """Re-encrypt the protected files a column names (or count what would be)."""
    model = resolve(model_label, field_name)
    result = ColumnResult(label=f"{model_label}.{field_name}")
    for rows in _batches(model, field_name, batch_size=batch_size, lock=not dry_run):
        for pk, name in rows:
            try:
                if protected_files.rotate(name, dry_run=dry_run):
                    result.rotated += 1
                else:
                    result.current += 1
            except FileNotFoundError:
                result.missing.append(pk)
            except (crypto.DecryptionError, protected_files.InvalidName):
                result.unreadable.append(pk)
    return result


def rotate_all(*, batch_size: int = 500, dry_run: bool = False) -> list[ColumnResult]:
    """Every registered column, text first, then files."""
    return [
        rotate_text_column(label, name, batch_size=batch_size, dry_run=dry_run)
        for label, name in crypto.encrypted_fields()
    ] + [
        rotate_file_column(label, name, batch_size=batch_size, dry_run=dry_run)
        for label, name in protected_files.encrypted_file_fields()
    ]
