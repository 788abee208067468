"""Notification moved from bilans to core (core 0010, bilans 0003) without losing a row:
the migrations move only the models' state and the content type; the table stays."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("core", "0009_audit_unmerge_action"),
    ("bilans", "0002_closedperiod_to_partners"),
]
AFTER = [("core", "0010_notification_from_bilans"), ("bilans", "0003_notification_to_core")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_rows_written_before_the_move_are_read_after_it(alice):
    ContentType.objects.get_for_model(Notification)  # the content type exists, as in production
    old_apps = migrate(BEFORE)
    try:
        OldNotification = old_apps.get_model("bilans", "Notification")
        OldNotification.objects.create(user_id=alice.pk, message="Bilan T3 prêt", key="q3")
        assert ContentType.objects.filter(app_label="bilans", model="notification").exists()
    finally:
        migrate(AFTER)
        # Then every app's latest migration: going back to BEFORE also unapplied the later
        # ones (bilans 0004…), which the tests that follow need.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    kept = Notification.objects.get(user=alice)
    assert (kept.message, kept.key) == ("Bilan T3 prêt", "q3")
    assert ContentType.objects.filter(app_label="core", model="notification").exists()
    assert not ContentType.objects.filter(app_label="bilans", model="notification").exists()
