"""`manage.py rotate_encryption_key` re-encrypts every registered column and file with the
current key, batch by batch, says how many, writes nothing twice, nothing with --dry-run, and
fails loudly on what no key opens.

A real table stands for the case notes and documents of the cases app: core's idempotency
keys, `response_body` (a TextField) registered as a column of tokens and `path` as a column of
protected file names."""

import re

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from core import crypto, key_rotation, protected_files
from core.models import IdempotencyKey

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def registry(monkeypatch, settings, tmp_path):
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    settings.ENCRYPTION_KEYS = [OLD]
    monkeypatch.setattr(crypto, "_encrypted_fields", [("core.IdempotencyKey", "response_body")])
    monkeypatch.setattr(protected_files, "_file_fields", [("core.IdempotencyKey", "path")])


def _rows(count: int, *, files: bool = True) -> list[IdempotencyKey]:
    user = get_user_model().objects.create_user("rotation")
    return [
        IdempotencyKey.objects.create(
            user=user,
            key=f"k{i}",
            method="POST",
            path=protected_files.store(f"document {i}".encode(), prefix="docs") if files else "",
            fingerprint="f",
            status_code=201,
            response_body=crypto.encrypt_text(f"note {i}"),
        )
        for i in range(count)
    ]


def _opened_by(key: str, token) -> bool:
    try:
        Fernet(key).decrypt(token)
    except Exception:
        return False
    return True


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("rotate_encryption_key", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_everything_is_re_encrypted_with_the_current_key(registry, settings):
    rows = _rows(7)
    IdempotencyKey.objects.filter(pk=rows[0].pk).update(response_body="")  # nothing to rotate
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    out = _run("--batch-size", "3")
    assert "2 clés configurées" in out
    assert "core.IdempotencyKey.response_body : 6 rechiffrés, 0 déjà avec la clé courante" in out
    assert "core.IdempotencyKey.path : 7 rechiffrés, 0 déjà avec la clé courante" in out
    root = settings.PROTECTED_FILES_ROOT
    for row in IdempotencyKey.objects.order_by("pk")[1:]:
        assert _opened_by(NEW, row.response_body) and not _opened_by(OLD, row.response_body)
        assert not _opened_by(OLD, (root / row.path).read_bytes())
    settings.ENCRYPTION_KEYS = [NEW]  # the old key dropped: everything still reads
    for i, row in enumerate(IdempotencyKey.objects.order_by("pk")):
        assert row.response_body == "" or crypto.decrypt_text(row.response_body) == f"note {i}"
        assert protected_files.read(row.path) == f"document {i}".encode()


@pytest.mark.django_db
def test_a_second_run_writes_nothing(registry, settings):
    _rows(4)
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    _run()
    before = list(IdempotencyKey.objects.order_by("pk").values_list("response_body", flat=True))
    root = settings.PROTECTED_FILES_ROOT
    mtimes = sorted(p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file())
    out = _run()
    # (French says "0 rechiffré": the catalogue's plural rule; the source's rule says "0 …s")
    assert re.search(r"response_body : 0 rechiffrés?, 4 déjà avec la clé courante, 0 ill", out)
    assert re.search(r"path : 0 rechiffrés?, 4 déjà avec la clé courante", out)
    after = list(IdempotencyKey.objects.order_by("pk").values_list("response_body", flat=True))
    assert after == before
    assert sorted(p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()) == mtimes


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(registry, settings):
    rows = _rows(3)
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    out = _run("--dry-run")
    assert "response_body : 3 à rechiffrer" in out and "path : 3 à rechiffrer" in out
    for row, stored in zip(rows, IdempotencyKey.objects.order_by("pk"), strict=True):
        assert stored.response_body == row.response_body
        assert protected_files.read(row.path)
        assert _opened_by(OLD, (settings.PROTECTED_FILES_ROOT / row.path).read_bytes())


@pytest.mark.django_db
def test_what_no_key_opens_is_reported_and_fails_the_command(registry, settings):
    rows = _rows(3)
    foreign = Fernet(Fernet.generate_key()).encrypt(b"lost").decode()
    IdempotencyKey.objects.filter(pk=rows[1].pk).update(response_body=foreign)
    protected_files.delete(rows[2].path)
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    with pytest.raises(CommandError, match="ne retirez aucune clé"):
        _run()
    # The rest was rotated all the same; the unreadable token is left as it was.
    assert IdempotencyKey.objects.get(pk=rows[1].pk).response_body == foreign
    assert _opened_by(NEW, IdempotencyKey.objects.get(pk=rows[0].pk).response_body)
    result = key_rotation.rotate_file_column("core.IdempotencyKey", "path")
    assert result.missing == [rows[2].pk] and result.current == 2


@pytest.mark.django_db
def test_batches_are_bounded(registry, settings, django_assert_max_num_queries):
    _rows(10, files=False)
    settings.ENCRYPTION_KEYS = [NEW, OLD]
    # 4 batches of 3 and the empty one, each a SELECT … FOR UPDATE and an UPDATE, in its
    # own savepoint here (the test's transaction): never one query per row.
    with django_assert_max_num_queries(5 * 4):
        result = key_rotation.rotate_text_column(
            "core.IdempotencyKey", "response_body", batch_size=3
        )
    assert result.rotated == 10


def test_a_registration_of_a_column_that_does_not_exist_is_named():
    with pytest.raises(ImproperlyConfigured, match="cases.Nope.body"):
        key_rotation.resolve("cases.Nope", "body")
    with pytest.raises(ImproperlyConfigured, match="core.IdempotencyKey.nope"):
        key_rotation.resolve("core.IdempotencyKey", "nope")


@pytest.mark.django_db
def test_without_registered_columns_it_says_so(monkeypatch):
    monkeypatch.setattr(crypto, "_encrypted_fields", [])
    monkeypatch.setattr(protected_files, "_file_fields", [])
    assert "Aucune colonne chiffrée n'est enregistrée." in _run()


def test_the_help_gives_the_procedure():
    from core.management.commands.rotate_encryption_key import Command

    assert "EN PREMIER dans ENCRYPTION_KEYS" in Command.help
    assert "retirer l'ancienne clé" in Command.help
