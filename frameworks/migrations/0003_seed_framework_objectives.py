"""Seed the frameworks a project contributes to: the 17 SDGs and their migration-relevant
targets, the 23 Global Compact objectives, the SNIA specific objectives of the project
sheets (DESIGN.md §9). Run again, it updates the labels in place (update_or_create)."""

from django.db import migrations

from frameworks.seeds import framework_objectives


def seed(apps, schema_editor):
    FrameworkObjective = apps.get_model("frameworks", "FrameworkObjective")
    for kind, code, ordering, fr, en, ar in framework_objectives():
        FrameworkObjective.objects.update_or_create(
            kind=kind,
            code=code,
            defaults={"label_fr": fr, "label_en": en, "label_ar": ar, "ordering": ordering},
        )


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0002_seed_axes")]

    # Reversed, the rows stay: projects may point at them (and the table goes with 0001).
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
