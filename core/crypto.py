"""Encryption at rest of confidential text and files (DESIGN.md sections 7 and 8).

Fernet (the `cryptography` package: AES-128-CBC with an HMAC-SHA256, a timestamp and a random
IV in every token) through MultiFernet: the first key of `settings.ENCRYPTION_KEYS` encrypts,
every key decrypts, so a key is rotated without downtime:

1. generate a key (`manage.py generate_encryption_key`) and put it FIRST in ENCRYPTION_KEYS,
   the old one after it; restart every process (web, worker, beat);
2. `manage.py rotate_encryption_key` re-encrypts every registered column and file with it;
3. drop the old key from ENCRYPTION_KEYS and restart.

Without ENCRYPTION_KEYS, and with DEBUG on only, the keys come from `ENCRYPTION_KEY_FILE`
(var/encryption.key, one key a line, the first current), made with mode 0600 on first use like
the embedded database beside it. Losing the keys loses the data: back them up apart from it.

A text column holding tokens is registered with `register_encrypted_field` (in the owning
app's AppConfig.ready()), so that the rotation command finds it; files are registered in
core.protected_files.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


class DecryptionError(Exception):
    """A token that no configured key opens: altered, truncated, not a token at all, or
    encrypted with a key no longer in ENCRYPTION_KEYS."""


# --- Keys -------------------------------------------------------------------------------------


def generate_key() -> str:
    """A new random Fernet key, as ENCRYPTION_KEYS takes it."""
    return Fernet.generate_key().decode("ascii")


def _check_keys(keys: list[str], source: str) -> list[str]:
    if not keys:
        raise ImproperlyConfigured(f"{source} holds no key.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as exc:
            # Never the key itself in the message: it ends up in logs.
            raise ImproperlyConfigured(
                f"{source}: key {position} of {len(keys)} is not a Fernet key (32 url-safe "
                "base64-encoded bytes, 44 characters)."
            ) from exc
    return keys


def _read_key_file(path: Path) -> list[str]:
    lines = path.read_text(encoding="ascii").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _create_key_file(path: Path) -> None:
    """A new key file, readable by its owner only, published whole or not at all: a second
    process starting at the same moment reads the first one's key, never an empty file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".encryption-key-")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:  # mkstemp: mode 0600
            handle.write(generate_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process made it meanwhile: keep theirs
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def configured_keys() -> list[str]:
    """The keys in force, the current one first."""
    if settings.ENCRYPTION_KEYS:
        return _check_keys(list(settings.ENCRYPTION_KEYS), "ENCRYPTION_KEYS")
    key_file = settings.ENCRYPTION_KEY_FILE
    if not key_file:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS must be set when DEBUG is off (generate a key with "
            "`python manage.py generate_encryption_key`, and keep a copy apart from the data)."
        )
    path = Path(key_file)
    if not path.exists():
        _create_key_file(path)
    return _check_keys(_read_key_file(path), f"The key file {path}")


@functools.cache
def _multifernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in configured_keys()])


@functools.cache
def _current() -> Fernet:
    return Fernet(configured_keys()[0])


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting in {"ENCRYPTION_KEYS", "ENCRYPTION_KEY_FILE"}:
        _multifernet.cache_clear()
        _current.cache_clear()


# --- Tokens -----------------------------------------------------------------------------------


def encrypt_bytes(data: bytes) -> bytes:
    """`data` encrypted with the current key: a Fernet token (url-safe base64, ASCII)."""
    return _multifernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes a token holds; DecryptionError if no configured key opens it."""
    try:
        return _multifernet().decrypt(token)
    except (InvalidToken, ValueError) as exc:  # ValueError: a str token with non-ASCII text
        raise DecryptionError("No encryption key opens this token.") from exc


def encrypt_text(text: str) -> str:
    """`text` encrypted with the current key, as ASCII text for a TextField."""
    return encrypt_bytes(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """The text a token made by `encrypt_text` holds; DecryptionError otherwise."""
    data = decrypt_bytes(token.encode("utf-8") if isinstance(token, str) else token)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionError("This token does not hold text.") from exc


def is_current(token: bytes | str) -> bool:
    """Whether the current key opens the token (rotation leaves it as it is)."""
    try:
        _current().decrypt(token)
    except (InvalidToken, ValueError):
        return False
    return True


def rotate_token(token: bytes | str) -> bytes | str:
    """The token re-encrypted with the current key, same content and timestamp, of the type
    given (str for a text column, bytes for a file); DecryptionError if no key opens it."""
    try:
        rotated = _multifernet().rotate(token)
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("No encryption key opens this token.") from exc
    return rotated.decode("ascii") if isinstance(token, str) else rotated


# --- Registry of encrypted text columns, for the rotation command ------------------------------

_encrypted_fields: list[tuple[str, str]] = []


def register_encrypted_field(model_label: str, field_name: str) -> None:
    """Declare that `model_label`'s `field_name` ("cases.CaseNote", "body") holds tokens made by
    `encrypt_text` (empty or NULL allowed), so that `rotate_encryption_key` re-encrypts it.
    Call it from the owning app's AppConfig.ready(); registering twice is harmless."""
    entry = (model_label, field_name)
    if entry not in _encrypted_fields:
        _encrypted_fields.append(entry)


def encrypted_fields() -> list[tuple[str, str]]:
    return list(_encrypted_fields)
