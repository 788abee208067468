"""Every setting that comes from the environment is read here, and only here.

Bad values fail loudly at start-up rather than half-working in production.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def get_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def get_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def get_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


_RATE = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


def get_rate(name: str, default: str) -> str:
    """A request rate as Django REST framework's throttles read it: "10/min", "1000/day"."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    value = value.strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 10/min, 30/minute or 1000/day, got {value!r}"
        )
    return value


def get_fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys (the first encrypts, all decrypt): each one checked here, so
    a mistyped key stops the start, rather than the first note written. Keys never appear in
    the message. Unset or blank: an empty list (core.crypto then falls back on its key file)."""
    from cryptography.fernet import Fernet

    keys = get_list(name, [])
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: key {position} of {len(keys)} is not a Fernet key (32 url-safe "
                "base64-encoded bytes, 44 characters); generate one with "
                "`python manage.py generate_encryption_key`."
            ) from exc
    return keys
