"""The framework code lists are seeded by a data migration (DESIGN.md §9): the 17 SDGs and
their migration-relevant targets, the 23 Global Compact objectives, the SNIA specific
objectives of the project sheets; running the seed again changes nothing, and the migration
reverses as a no-op."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from frameworks.models import FrameworkKind, FrameworkObjective
from frameworks.seeds import SDG_TARGETS

SEED = importlib.import_module("frameworks.migrations.0003_seed_framework_objectives")


def codes(kind) -> set[str]:
    return set(FrameworkObjective.objects.filter(kind=kind).values_list("code", flat=True))


def test_every_framework_is_seeded(db):
    assert FrameworkObjective.objects.filter(kind=FrameworkKind.SDG).count() == 17 + 13
    assert {str(n) for n in range(1, 18)} <= codes(FrameworkKind.SDG)
    assert {"1.3", "3.8", "8.7", "10.7", "10.c", "16.9", "17.18"} <= codes(FrameworkKind.SDG)
    assert codes(FrameworkKind.GCM) == {str(n) for n in range(1, 24)}
    assert codes(FrameworkKind.SNIA) == {"OS 3", "OS 5", "OS 6", "OS 7", "OS 10"}


def test_labels_in_three_languages(db):
    snia = FrameworkObjective.objects.get(kind=FrameworkKind.SNIA, code="OS 5")
    # The project sheet's exact wording.
    assert snia.label_fr == (
        "Assurer aux immigrés et réfugiés l'accès aux soins dans les mêmes conditions que les "
        "Marocains"
    )
    gcm = FrameworkObjective.objects.get(kind=FrameworkKind.GCM, code="21")
    assert gcm.label("en").startswith("Cooperate in facilitating safe and dignified return")
    assert "العودة" in gcm.label("ar")
    assert not FrameworkObjective.objects.filter(label_ar="").exists()
    assert not FrameworkObjective.objects.filter(label_en="").exists()


def test_targets_follow_their_goal(db):
    """Ordered by goal: 10.7 sits between SDG 10 and SDG 11."""
    ordered = list(
        FrameworkObjective.objects.filter(kind=FrameworkKind.SDG).values_list("code", flat=True)
    )
    assert ordered.index("10") < ordered.index("10.7") < ordered.index("10.c") < ordered.index("11")
    assert len(SDG_TARGETS) == 13


def test_seeding_again_updates_in_place(db):
    FrameworkObjective.objects.filter(kind=FrameworkKind.GCM, code="7").update(label_en="old")
    before = FrameworkObjective.objects.count()
    SEED.seed(apps, None)
    assert FrameworkObjective.objects.count() == before
    assert FrameworkObjective.objects.get(kind=FrameworkKind.GCM, code="7").label_en == (
        "Address and reduce vulnerabilities in migration"
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_as_a_noop_and_reapplies(committing_db):
    executor = MigrationExecutor(connection)
    executor.migrate([("frameworks", "0002_seed_axes")])
    # Reversed, the rows stay (projects may point at them).
    assert FrameworkObjective.objects.filter(kind=FrameworkKind.GCM).count() == 23
    # Forward again to every app's latest migration: going back also unapplied the
    # migrations of other apps that depend on these (the tests that follow need them).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    after = MigrationExecutor(connection)
    assert not after.migration_plan(after.loader.graph.leaf_nodes())
    assert FrameworkObjective.objects.filter(kind=FrameworkKind.GCM).count() == 23
