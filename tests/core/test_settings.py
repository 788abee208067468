"""Settings fail loudly on bad or missing production values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from iom_cases import env
from iom_cases.database import database_from_url

ROOT = Path(__file__).resolve().parents[2]


def test_boolean_values(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env.get_bool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env.get_bool("FLAG", default=False)


def test_integer_values(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="N must be an integer"):
        env.get_int("N", 1)
    monkeypatch.setenv("N", "-5")
    with pytest.raises(ImproperlyConfigured, match="N must be at least 1, got -5"):
        env.get_int("N", 1, minimum=1)
    assert env.get_int("N", 1) == -5  # no minimum asked


def test_database_url_must_be_postgres():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        database_from_url("mysql://root@localhost/x")
    assert database_from_url("postgres://u:p@db:5432/x")["HOST"] == "db"


def _import_settings(**environ):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "ENCRYPTION_KEYS"}
    }
    clean.update(environ, DJANGO_SETTINGS_MODULE="iom_cases.settings")
    clean.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unused")
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "environ,message",
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "too weak"),
        ({"SECRET_KEY": "x" * 40}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "a", "DEBUG": "perhaps"}, "DEBUG must be"),
        (
            {"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "a", "IMPORT_MAX_ROWS": "0"},
            "IMPORT_MAX_ROWS must be at least 1",
        ),
        (
            # Redis would hand an import still running after an hour to a second worker.
            {"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "a", "IMPORT_TIME_LIMIT_SECONDS": "7200"},
            "IMPORT_TIME_LIMIT_SECONDS (7200 s, so 7560 s with the worker's hard limit) must "
            "stay below CELERY_VISIBILITY_TIMEOUT (3600 s)",
        ),
        (
            {"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "a", "CELERY_VISIBILITY_TIMEOUT": "620"},
            "IMPORT_TIME_LIMIT_SECONDS (600 s, so 630 s with the worker's hard limit) must "
            "stay below CELERY_VISIBILITY_TIMEOUT (620 s)",
        ),
    ],
)
def test_production_settings_fail_loudly(environ, message):
    result = _import_settings(**environ)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_with_good_values():
    result = _import_settings(SECRET_KEY="x" * 40, ALLOWED_HOSTS="cases.example.org")
    assert result.returncode == 0, result.stderr
    # Imports of two hours, with Redis waiting three before it hands a task to another worker.
    result = _import_settings(
        SECRET_KEY="x" * 40,
        ALLOWED_HOSTS="cases.example.org",
        IMPORT_TIME_LIMIT_SECONDS="7200",
        CELERY_VISIBILITY_TIMEOUT="10800",
    )
    assert result.returncode == 0, result.stderr
