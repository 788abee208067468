"""Removing rows of the append-only logs that a test *committed* (the fixtures that commit
for other connections to see, then clean up after themselves).

The application cannot: PostgreSQL's trigger refuses any DELETE on the audit trail and the
access log (core migration 0005). The test database's owner is a PostgreSQL superuser, who
may switch row triggers off for one transaction (`session_replication_role = replica`); a
production role without that privilege cannot, which is the point."""

from __future__ import annotations

from django.db import connection, transaction

from core.models import AccessEntry, AuditEntry


def erase_log_rows_of(users) -> None:
    """Delete the audit and access entries of `users`, triggers off for this transaction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        AuditEntry.objects.filter(actor__in=users).delete()
        AccessEntry.objects.filter(user__in=users).delete()
