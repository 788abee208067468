"""Encrypted files outside any public path (core.protected_files): stored, read, deleted, never
in clear on disk, under names nobody can guess or bend out of the folder."""

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings

from core import crypto, protected_files
from core.checks import protected_files_are_not_public

SCAN = b"%PDF-1.7\nPasseport de Mme Diallo, n\xc2\xb0 AB123456\n%%EOF\n"


@pytest.fixture
def root(settings, tmp_path):
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    return settings.PROTECTED_FILES_ROOT


def test_the_suite_keeps_its_files_out_of_var():
    assert not Path(django_settings.PROTECTED_FILES_ROOT).is_relative_to(django_settings.VAR_DIR)


def test_store_read_exists_delete(root):
    name = protected_files.store(SCAN, prefix="case-documents")
    assert name.startswith("case-documents/")
    assert protected_files.exists(name)
    assert protected_files.read(name) == SCAN
    protected_files.delete(name)
    assert not protected_files.exists(name)
    with pytest.raises(FileNotFoundError):
        protected_files.read(name)
    protected_files.delete(name)  # already gone: nothing happens


def test_files_are_encrypted_and_private_on_disk(root):
    name = protected_files.store(SCAN, prefix="case-documents")
    [path] = [p for p in root.rglob("*") if p.is_file()]
    on_disk = path.read_bytes()
    assert b"Diallo" not in on_disk and b"%PDF" not in on_disk
    assert crypto.decrypt_bytes(on_disk) == SCAN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.relative_to(root).as_posix() == name  # no temporary file left beside it


def test_names_are_random_and_say_nothing(root):
    names = {protected_files.store(SCAN, prefix="case-documents") for _ in range(20)}
    assert len(names) == 20
    for name in names:
        random_part = name.split("/", 1)[1]
        assert len(random_part) == 43 and "Diallo" not in random_part and "pdf" not in name


@pytest.mark.parametrize(
    "name",
    [
        "../secret",
        "case-documents/../../etc/passwd",
        "/etc/passwd",
        "case-documents/" + "." * 43,
        "case-documents/" + "a" * 42 + "/",
        "case-documents\\" + "a" * 43,
        "case-documents/" + "a" * 42 + "\x00",
        "Case-Documents/" + "a" * 43,
        "case-documents/" + "a" * 44,
        "case-documents/sub/" + "a" * 43,
        "",
        None,
    ],
)
def test_names_not_made_here_are_refused(root, name):
    for operation in (protected_files.read, protected_files.exists, protected_files.delete):
        with pytest.raises(protected_files.InvalidName):
            operation(name)


def test_a_link_out_of_the_root_is_not_followed(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ("a" * 43)).write_bytes(crypto.encrypt_bytes(b"elsewhere"))
    root.mkdir()
    (root / "evil").symlink_to(outside)
    with pytest.raises(protected_files.InvalidName):
        protected_files.read("evil/" + "a" * 43)


@pytest.mark.parametrize("prefix", ["", "../x", "a/b", "A", "x" * 41, "-a"])
def test_bad_prefixes_are_refused(root, prefix):
    with pytest.raises(ValueError, match="prefix"):
        protected_files.store(b"x", prefix=prefix)
    assert not root.exists() or not any(root.rglob("*"))


def test_a_file_under_an_old_key_reads_and_rotates(root, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    name = protected_files.store(SCAN, prefix="case-documents")
    settings.ENCRYPTION_KEYS = [new, old]
    assert protected_files.read(name) == SCAN
    assert protected_files.rotate(name, dry_run=True) is True
    assert Fernet(old).decrypt((root / name).read_bytes()) == SCAN  # dry run: untouched
    assert protected_files.rotate(name) is True
    assert Fernet(new).decrypt((root / name).read_bytes()) == SCAN
    assert protected_files.rotate(name) is False  # already under the current key
    settings.ENCRYPTION_KEYS = [new]
    assert protected_files.read(name) == SCAN
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        protected_files.read(name)


@pytest.mark.parametrize("public", ["MEDIA_ROOT", "STATIC_ROOT"])
def test_the_check_refuses_protected_files_in_a_public_folder(settings, tmp_path, public):
    setattr(settings, public, tmp_path / "public")
    settings.PROTECTED_FILES_ROOT = tmp_path / "public" / "protected"
    [error] = protected_files_are_not_public()
    assert error.id == "core.E001" and public in error.msg
    settings.PROTECTED_FILES_ROOT = tmp_path / "public"
    [error] = protected_files_are_not_public()
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    assert protected_files_are_not_public() == []


def test_the_default_is_outside_every_public_folder():
    from iom_cases import settings as production

    assert production.PROTECTED_FILES_ROOT == production.VAR_DIR / "protected"
    for public in (production.MEDIA_ROOT, production.STATIC_ROOT, *production.STATICFILES_DIRS):
        assert not production.PROTECTED_FILES_ROOT.is_relative_to(public)


@pytest.mark.django_db(transaction=True)
def test_delete_on_commit_waits_for_the_commit(root):
    from django.db import transaction

    kept = protected_files.store(SCAN, prefix="case-documents")
    with pytest.raises(RuntimeError), transaction.atomic():
        protected_files.delete_on_commit(kept)
        raise RuntimeError("the service failed")
    assert protected_files.exists(kept)  # rolled back: the document stays
    with transaction.atomic():
        protected_files.delete_on_commit(kept)
        assert protected_files.exists(kept)
    assert not protected_files.exists(kept)
    with pytest.raises(protected_files.InvalidName):
        protected_files.delete_on_commit("../x")
