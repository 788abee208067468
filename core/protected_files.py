"""Encrypted files kept outside any public path (case documents, DESIGN.md section 7).

Files live under `settings.PROTECTED_FILES_ROOT` (var/protected/ by default), which no URL
serves and a system check keeps out of MEDIA_ROOT and STATIC_ROOT. Each one is a Fernet token
(core.crypto) under a name made here: `<prefix>/<43 random url-safe characters>`, which says
nothing of the person or the file and cannot be guessed. A name read from a column or a
request is checked before it becomes a path: anything else (`..`, `/`, a backslash, a NUL) is
refused with InvalidName, so no name reaches outside the root.

The model keeps the name (a CharField, 100 characters is enough); its content type and
original file name are the model's business. A column of names is registered with
`register_encrypted_file_field` so that `rotate_encryption_key` re-encrypts its files.

Delete the file after the row that names it is gone: `delete_on_commit(name)`, so a
rolled-back deletion never loses the document. Likewise a service that stores a file and then
fails should delete it (the row that would have named it was never written).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core import crypto

_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}/[A-Za-z0-9_-]{43}$")


class InvalidName(ValueError):
    """A name that store() could not have made: refused before it touches the disk."""


def root() -> Path:
    return Path(settings.PROTECTED_FILES_ROOT)


def _path(name: str) -> Path:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidName(f"Not a protected file name: {name!r}")
    base = root().resolve()
    path = (base / name).resolve()
    if path.parent.parent != base:  # the pattern allows no other shape; a second lock all the same
        raise InvalidName(f"Not a protected file name: {name!r}")
    return path


def _write(path: Path, content: bytes, *, replace: bool) -> None:
    """`content` at `path`, whole or not at all: a temporary file of the same folder (mode
    0600), flushed to disk, then renamed (rotation) or linked (a new name, never overwritten)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def store(data: bytes, *, prefix: str) -> str:
    """Encrypt `data` and keep it; returns its new name (relative, random) to save on the row."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"A prefix is lower-case letters, digits, - and _: {prefix!r}")
    token = crypto.encrypt_bytes(data)
    while True:
        name = f"{prefix}/{secrets.token_urlsafe(32)}"
        try:
            _write(_path(name), token, replace=False)
        except FileExistsError:  # 256 random bits: never in practice, but never overwrite
            continue
        return name


def read(name: str) -> bytes:
    """The decrypted content; FileNotFoundError if absent, crypto.DecryptionError if no key
    opens it."""
    return crypto.decrypt_bytes(_path(name).read_bytes())


def exists(name: str) -> bool:
    return _path(name).is_file()


def delete(name: str) -> None:
    """Remove the file; nothing happens if it is already gone."""
    _path(name).unlink(missing_ok=True)


def delete_on_commit(name: str) -> None:
    """Delete the file once the current transaction commits (at once outside one): the service
    that deletes a document's row calls this, so a rollback keeps row and file together."""
    _path(name)  # a bad name fails now, inside the service, not after the commit
    transaction.on_commit(lambda: delete(name))


def rotate(name: str, *, dry_run: bool = False) -> bool:
    """Re-encrypt the file with the current key; False if it already was (nothing written).
    With `dry_run`, only whether it would be. FileNotFoundError if it is gone,
    crypto.DecryptionError if no key opens it."""
    path = _path(name)
    token = path.read_bytes()
    if crypto.is_current(token):
        return False
    rotated = crypto.rotate_token(token)
    if not dry_run:
        _write(path, rotated, replace=True)
    return True


# --- Registry of columns naming protected files, for the rotation command ---------------------

_file_fields: list[tuple[str, str]] = []


def register_encrypted_file_field(model_label: str, field_name: str) -> None:
    """Declare that `model_label`'s `field_name` holds names made by `store` (empty or NULL
    allowed), so that `rotate_encryption_key` re-encrypts those files. Call it from the
    owning app's AppConfig.ready(); registering twice is harmless."""
    entry = (model_label, field_name)
    if entry not in _file_fields:
        _file_fields.append(entry)


def encrypted_file_fields() -> list[tuple[str, str]]:
    return list(_file_fields)
