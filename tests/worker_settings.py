"""Settings of a process that a test starts (a real Celery worker) against the test database.

The test passes its connection's settings as JSON in IOM_TEST_DATABASE (see
tests.servers.database_settings_json): HOST may be the embedded server's socket directory,
which a URL cannot carry. A placeholder DATABASE_URL keeps the base settings from starting or
joining an embedded server of their own; DATABASES is then replaced whole.
"""

import json
import os

os.environ["DATABASE_URL"] = "postgres://replaced-below.invalid/unused"

from iom_cases.settings_test import *  # noqa: E402, F403

DATABASES = {"default": {**json.loads(os.environ["IOM_TEST_DATABASE"]), "CONN_MAX_AGE": 0}}
