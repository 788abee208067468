"""Seed IOM Morocco's three axes and their sub-themes (annual bilan 2022)."""

from django.db import migrations

from frameworks.seeds import AXES, SUB_THEMES


def seed(apps, schema_editor):
    Axis = apps.get_model("frameworks", "Axis")
    SubTheme = apps.get_model("frameworks", "SubTheme")
    axes = {}
    for position, (code, fr, en, ar) in enumerate(AXES, start=1):
        axes[code], _ = Axis.objects.update_or_create(
            code=code,
            defaults={"label_fr": fr, "label_en": en, "label_ar": ar, "ordering": position * 10},
        )
    for position, (axis, code, fr, en, ar) in enumerate(SUB_THEMES, start=1):
        SubTheme.objects.update_or_create(
            code=code,
            defaults={
                "axis": axes[axis],
                "label_fr": fr,
                "label_en": en,
                "label_ar": ar,
                "ordering": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
