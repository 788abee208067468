"""`make test` runs pytest in parallel (pytest-xdist): each worker its own test database
(pytest-django's suffix), its own Redis database (iom_cases.settings_test), and the processes
a test starts keep their worker's."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iom_cases.settings_test import redis_url_of_worker

ROOT = Path(__file__).resolve().parent.parent
PRINT_REDIS_URL = "from iom_cases import settings_test; print(settings_test.REDIS_URL)"


@pytest.mark.parametrize(
    ("url", "worker", "dbs", "expected"),
    [
        ("redis://127.0.0.1:6379/15", "gw0", "", "redis://127.0.0.1:6379/0"),
        ("redis://127.0.0.1:6379/15", "gw1", "", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/3", "gw0", "", "redis://127.0.0.1:6379/4"),
        ("redis://127.0.0.1:6379", "gw2", "", "redis://127.0.0.1:6379/3"),
        (
            "redis://:secret@redis.internal:6380/15",
            "gw1",
            "5, 6",
            "redis://:secret@redis.internal:6380/6",
        ),
        ("redis://127.0.0.1:6379/15", "gw0", "5,6,7,8", "redis://127.0.0.1:6379/5"),
    ],
)
def test_each_worker_has_its_own_redis_database(url, worker, dbs, expected):
    assert redis_url_of_worker(url, worker, dbs) == expected


def test_too_few_redis_databases_listed_is_refused():
    with pytest.raises(ValueError, match="gw2"):
        redis_url_of_worker("redis://127.0.0.1:6379/15", "gw2", "5,6")


def _redis_url_in_a_child(**environ: str) -> str:
    """settings_test's REDIS_URL in a fresh process with `environ` (no database reached)."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST", "IOM_TEST"))}
    keep.pop("TEST_REDIS_WORKER_DBS", None)
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [
            sys.executable,
            "-c",
            "from iom_cases import settings_test; print(settings_test.REDIS_URL)",
        ],
        cwd=ROOT,
        env={**keep, "DATABASE_URL": "postgres://unused@127.0.0.1:9/unused", **environ},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def test_a_worker_takes_its_redis_database_and_its_children_keep_it():
    worker = _redis_url_in_a_child(REDIS_URL="redis://127.0.0.1:6379/15", PYTEST_XDIST_WORKER="gw1")
    assert worker == "redis://127.0.0.1:6379/1"
    # A Celery worker started by a test of gw1 inherits the variables, and the URL it is given.
    child = _redis_url_in_a_child(
        REDIS_URL="redis://127.0.0.1:6379/1",
        PYTEST_XDIST_WORKER="gw1",
        IOM_TEST_REDIS_OF_WORKER="gw1",
    )
    assert child == "redis://127.0.0.1:6379/1"
    # Run serially, the URL is the one given.
    assert _redis_url_in_a_child(REDIS_URL="redis://127.0.0.1:6379/15") == (
        "redis://127.0.0.1:6379/15"
    )


def test_make_test_runs_pytest_in_parallel_and_can_run_it_serially():
    makefile = (ROOT / "Makefile").read_text()
    assert "PYTEST_WORKERS ?= auto" in makefile
    assert "$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)" in makefile
    assert '"pytest-xdist' in (ROOT / "pyproject.toml").read_text()
