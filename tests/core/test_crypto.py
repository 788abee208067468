"""Encryption at rest (core.crypto): round trips, several keys, a wrong key refused clearly,
the key file of a development machine, and settings that refuse a bad key at start."""

import base64
import os
import stat
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from core import crypto
from core.checks import encryption_keys_are_set
from iom_cases import env
from tests.core.test_settings import _import_settings

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))


def _key_of(token) -> str:
    """Which of OLD, NEW, OTHER opens a token."""
    for name, key in {"OLD": OLD, "NEW": NEW, "OTHER": OTHER}.items():
        try:
            Fernet(key).decrypt(token)
        except Exception:  # noqa: S112
            continue
        return name
    return "none"


@pytest.fixture
def keys(settings):
    def use(*keys):
        settings.ENCRYPTION_KEYS = list(keys)

    use(OLD)
    return use


def test_text_and_bytes_round_trip(keys):
    text = "Confidentiel : violences subies à Oujda — سري"
    token = crypto.encrypt_text(text)
    assert isinstance(token, str) and token.isascii()
    assert "Oujda" not in token
    assert crypto.decrypt_text(token) == text
    data = bytes(range(256)) * 10
    assert crypto.decrypt_bytes(crypto.encrypt_bytes(data)) == data
    # The same text twice gives two tokens (a random IV): equal notes cannot be spotted.
    assert crypto.encrypt_text(text) != token


def test_the_first_key_encrypts_and_every_key_decrypts(keys):
    old_token = crypto.encrypt_text("avant")
    keys(NEW, OLD)
    assert crypto.decrypt_text(old_token) == "avant"  # the old key still reads
    assert _key_of(crypto.encrypt_text("après")) == "NEW"
    assert not crypto.is_current(old_token)
    rotated = crypto.rotate_token(old_token)
    assert isinstance(rotated, str) and _key_of(rotated) == "NEW"
    assert crypto.is_current(rotated) and crypto.decrypt_text(rotated) == "avant"
    rotated_bytes = crypto.rotate_token(old_token.encode())
    assert isinstance(rotated_bytes, bytes) and _key_of(rotated_bytes) == "NEW"
    keys(NEW)  # the old key dropped: what was rotated still reads, the rest does not
    assert crypto.decrypt_text(rotated) == "avant"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(old_token)


@pytest.mark.parametrize(
    "token",
    [
        "not a token",
        "",
        "gAAAAA" + "A" * 100,
        "é" * 20,  # not even ASCII
    ],
)
def test_anything_but_a_token_is_a_decryption_error(keys, token):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)
    with pytest.raises(crypto.DecryptionError):
        crypto.rotate_token(token)


def test_a_token_of_another_key_or_altered_is_a_decryption_error(keys):
    foreign = Fernet(OTHER).encrypt(b"secret")
    with pytest.raises(crypto.DecryptionError, match="No encryption key opens this token"):
        crypto.decrypt_bytes(foreign)
    token = bytearray(base64.urlsafe_b64decode(crypto.encrypt_bytes(b"secret")))
    token[-40] ^= 1  # one bit of the ciphertext
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(base64.urlsafe_b64encode(bytes(token)))


def test_a_bad_key_in_settings_fails_at_first_use_without_showing_it(settings):
    settings.ENCRYPTION_KEYS = [OLD, "not-a-fernet-key-at-all"]
    with pytest.raises(ImproperlyConfigured, match="key 2 of 2 is not a Fernet key") as error:
        crypto.encrypt_text("x")
    assert "not-a-fernet-key-at-all" not in str(error.value)


def test_the_environment_is_checked_when_settings_load(monkeypatch):
    monkeypatch.setenv("ENCRYPTION_KEYS", f"{OLD}, {NEW}")
    assert env.get_fernet_keys("ENCRYPTION_KEYS") == [OLD, NEW]
    monkeypatch.setenv("ENCRYPTION_KEYS", f"{OLD},{OLD[:-2]}")
    with pytest.raises(ImproperlyConfigured, match="key 2 of 2 is not a Fernet key"):
        env.get_fernet_keys("ENCRYPTION_KEYS")
    monkeypatch.delenv("ENCRYPTION_KEYS")
    assert env.get_fernet_keys("ENCRYPTION_KEYS") == []


def test_production_settings_refuse_a_bad_key_at_start():
    result = _import_settings(SECRET_KEY="x" * 40, ALLOWED_HOSTS="a", ENCRYPTION_KEYS="short")
    assert result.returncode != 0
    assert "ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key" in result.stderr
    assert "short" not in result.stderr.split("ImproperlyConfigured")[-1]


def test_production_without_keys_fails_its_checks_and_any_encryption(settings):
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_KEY_FILE = None  # DEBUG off
    [error] = encryption_keys_are_set()
    assert error.id == "core.E002" and "ENCRYPTION_KEYS must be set" in error.msg
    with pytest.raises(ImproperlyConfigured, match="ENCRYPTION_KEYS must be set"):
        crypto.encrypt_text("x")
    settings.ENCRYPTION_KEYS = [NEW]
    assert encryption_keys_are_set() == []


def test_manage_py_check_refuses_production_without_keys(tmp_path):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "ENCRYPTION_KEYS"}
    }
    environ.update(
        SECRET_KEY="x" * 40,
        ALLOWED_HOSTS="a",
        DJANGO_SETTINGS_MODULE="iom_cases.settings",
        IOM_VAR_DIR=str(tmp_path),
    )
    environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unused")
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "manage.py", "check"],
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "core.E002" in result.stderr and "ENCRYPTION_KEYS must be set" in result.stderr


def test_with_debug_on_a_key_file_is_made_on_first_use(settings, tmp_path):
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_KEY_FILE = tmp_path / "var" / "encryption.key"
    assert encryption_keys_are_set() == []  # nothing yet, and the check makes nothing
    assert not settings.ENCRYPTION_KEY_FILE.exists()
    token = crypto.encrypt_text("note")
    key_file = settings.ENCRYPTION_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    [key] = key_file.read_text().split()
    assert Fernet(key).decrypt(token.encode()) == b"note"
    assert [p.name for p in key_file.parent.iterdir()] == ["encryption.key"]  # no leftover
    # The file is kept, not remade: what was encrypted still reads after a restart.
    crypto._forget_keys(setting="ENCRYPTION_KEY_FILE")
    assert crypto.decrypt_text(token) == "note"
    assert key_file.read_text().split() == [key]


def test_a_key_file_lists_keys_current_first(settings, tmp_path):
    key_file = tmp_path / "encryption.key"
    key_file.write_text(f"# rotated in 2026\n{NEW}\n\n{OLD}\n")
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_KEY_FILE = key_file
    assert _key_of(crypto.encrypt_text("x")) == "NEW"
    assert crypto.decrypt_bytes(Fernet(OLD).encrypt(b"old")) == b"old"
    key_file.write_text("garbage\n")
    settings.ENCRYPTION_KEY_FILE = key_file  # forget the cached keys
    with pytest.raises(ImproperlyConfigured, match="key 1 of 1 is not a Fernet key"):
        crypto.encrypt_text("x")
    [error] = encryption_keys_are_set()
    assert error.id == "core.E002"


def test_generate_encryption_key_prints_a_usable_key(capsys):
    call_command("generate_encryption_key")
    key = capsys.readouterr().out.strip()
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"


def test_the_registry_keeps_each_column_once(monkeypatch):
    monkeypatch.setattr(crypto, "_encrypted_fields", [])
    crypto.register_encrypted_field("cases.CaseNote", "body")
    crypto.register_encrypted_field("cases.CaseNote", "body")
    assert crypto.encrypted_fields() == [("cases.CaseNote", "body")]
