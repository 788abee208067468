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

from iom_cases.settings import *  # noqa: E402, F403
from iom_cases.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
