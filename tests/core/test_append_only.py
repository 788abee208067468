"""The audit trail and the access log are append-only: PostgreSQL refuses an UPDATE or a
DELETE of their rows, whoever sends it (raw SQL here, as a shell or the admin would). The
one exception, for the erasure of a person on request: `core.audit.redaction()` lets an
UPDATE rewrite an audit entry's `changes`, and nothing else."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.db.transaction import TransactionManagementError
from django.test import RequestFactory

from core import access, audit
from core.models import AccessEntry, AuditEntry

TABLES = ("core_auditentry", "core_accessentry")


@pytest.fixture
def rows(alice, partner_a):
    trail = AuditEntry.objects.create(
        actor=alice,
        action=AuditEntry.Action.UPDATE,
        model="beneficiaries.beneficiary",
        object_id="7",
        changes={"last_name": ["Koné", "Konaté"]},
    )
    logged = access.record(
        RequestFactory().get("/beneficiaires/7/"),
        AccessEntry.Action.VIEW_PERSON,
        user=alice,
        model="beneficiaries.beneficiary",
        object_id=7,
    )
    return {"core_auditentry": trail, "core_accessentry": logged}


def _refused(sql, params=()):
    """Run `sql` in a savepoint and expect the trigger's refusal."""
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.parametrize("table", TABLES)
def test_an_update_is_refused(rows, table):
    _refused(f"UPDATE {table} SET object_id = '8' WHERE id = %s", [rows[table].pk])  # noqa: S608 - table names are the constants above
    assert type(rows[table]).objects.get(pk=rows[table].pk).object_id == "7"


@pytest.mark.parametrize("table", TABLES)
def test_a_delete_is_refused(rows, table):
    _refused(f"DELETE FROM {table} WHERE id = %s", [rows[table].pk])  # noqa: S608 - table names are the constants above
    assert type(rows[table]).objects.filter(pk=rows[table].pk).exists()


def test_the_orm_is_refused_too(rows):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=rows["core_auditentry"].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEntry.objects.filter(pk=rows["core_accessentry"].pk).update(kind="x")


def test_redaction_may_rewrite_the_changes_of_an_audit_entry(rows):
    entry = rows["core_auditentry"]
    with transaction.atomic(), audit.redaction():
        AuditEntry.objects.filter(pk=entry.pk).update(changes={"last_name": ["…", "…"]})
    entry.refresh_from_db()
    assert entry.changes == {"last_name": ["…", "…"]}
    assert (entry.object_id, entry.action) == ("7", "update")


def test_redaction_may_not_change_another_column(rows):
    entry = rows["core_auditentry"]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), audit.redaction(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET changes = '{}'::jsonb, object_id = '8' WHERE id = %s",
                [entry.pk],
            )
    entry.refresh_from_db()
    assert entry.changes == {"last_name": ["Koné", "Konaté"]}


def test_redaction_never_deletes_nor_touches_the_access_log(rows):
    with transaction.atomic(), audit.redaction():
        _refused("DELETE FROM core_auditentry WHERE id = %s", [rows["core_auditentry"].pk])
    with transaction.atomic(), audit.redaction():
        _refused(
            "UPDATE core_accessentry SET details = '{}'::jsonb WHERE id = %s",
            [rows["core_accessentry"].pk],
        )


def test_without_the_setting_rewriting_the_changes_is_refused(rows):
    _refused(
        "UPDATE core_auditentry SET changes = '{}'::jsonb WHERE id = %s",
        [rows["core_auditentry"].pk],
    )


def test_the_setting_ends_with_the_redaction_block(rows):
    with transaction.atomic():
        with audit.redaction():
            pass
        _refused(
            "UPDATE core_auditentry SET changes = '{}'::jsonb WHERE id = %s",
            [rows["core_auditentry"].pk],
        )


def test_redaction_refuses_to_run_outside_a_transaction(django_db_setup, django_db_blocker):
    # Autocommit (no test transaction around it): SET LOCAL would be lost at once.
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block
        with pytest.raises(TransactionManagementError), audit.redaction():
            pass


def test_deleting_a_user_with_a_history_is_refused_not_rewritten(rows, alice):
    """The user foreign keys protect: SET NULL would rewrite the rows. Deactivate instead."""
    with pytest.raises(ProtectedError), transaction.atomic():
        alice.delete()
    assert AuditEntry.objects.filter(actor=alice).exists()
