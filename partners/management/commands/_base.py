"""Shared by the operations commands: clear messages and a non-zero exit on bad input."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


def parse_date(value: str, option: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise CommandError(f"{option}: '{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY).")


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in messages)}"
            for field, messages in exc.message_dict.items()
        )
    return " ".join(str(m) for m in exc.messages)


class OperationsCommand(BaseCommand):
    """Turns validation errors into CommandError (exit status 1, message on stderr)."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
