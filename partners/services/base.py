"""What every write of the partners app does: refuse the fields a service does not write,
validate and save, and return the audit diff."""

from __future__ import annotations

from core.audit import diff, snapshot


def check_editable(fields: dict, editable: frozenset, service: str) -> None:
    """Refuse (TypeError) the fields a service does not write: a caller's mistake."""
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"{service} cannot write: {', '.join(sorted(unknown))}")


def apply_fields(instance, fields: dict) -> dict:
    """Set `fields` on `instance`, validate it, save it; return the audit diff."""
    before = snapshot(instance) if instance.pk else {}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return diff(before, snapshot(instance))
