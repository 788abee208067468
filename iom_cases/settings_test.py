"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-checks")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "0")
# The test client speaks plain http: production's redirect to https would answer every request
# 301. tests/core/test_security_headers.py proves the redirect and HSTS with production values.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

# A key of this run (subprocesses of the tests inherit it): production settings require
# ENCRYPTION_KEYS with DEBUG off, and no test data outlives the run.
if not os.environ.get("ENCRYPTION_KEYS"):
    from cryptography.fernet import Fernet  # noqa: E402

    os.environ["ENCRYPTION_KEYS"] = Fernet.generate_key().decode("ascii")


def redis_url_of_worker(url: str, worker: str, dbs: str = "") -> str:
    """`url` with the Redis database of the pytest-xdist worker `worker` ("gw0", "gw1"…).

    Two workers must not share one: each test starts by dropping the throttles' keys
    (tests/conftest.py), which would reset the counters of a test running in another worker.
    `dbs` (TEST_REDIS_WORKER_DBS, "5,6,7,8") lists them, worker 0 taking the first; without
    it, the databases that follow the URL's own (modulo Redis's default 16)."""
    from urllib.parse import urlsplit, urlunsplit

    index = int(worker.removeprefix("gw"))
    parts = urlsplit(url)
    if dbs:
        choices = [int(db) for db in dbs.split(",") if db.strip()]
        if index >= len(choices):
            raise ValueError(
                f"TEST_REDIS_WORKER_DBS={dbs!r} names no Redis database for worker {worker}"
            )
        db = choices[index]
    else:
        base = int(parts.path.strip("/") or 0)
        db = (base + 1 + index) % 16
    return urlunsplit(parts._replace(path=f"/{db}"))


# Run in parallel (make test: pytest-xdist), each worker has its own test database (pytest-django
# suffixes its name with the worker's id) and its own Redis database, chosen here once: the
# processes a test starts (a Celery worker, tests/worker_settings.py) inherit both variables and
# keep the URL they are given.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("IOM_TEST_REDIS_OF_WORKER") != _worker:
    os.environ["IOM_TEST_REDIS_OF_WORKER"] = _worker
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = redis_url_of_worker(
            os.environ["REDIS_URL"], _worker, os.environ.get("TEST_REDIS_WORKER_DBS", "")
        )

from iom_cases.settings import *  # noqa: E402, F403
from iom_cases.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
