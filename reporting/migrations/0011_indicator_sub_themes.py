"""Map the default catalogue's indicators to their sub-theme (DESIGN.md §9)."""

from django.db import migrations

from frameworks.seeds import INDICATOR_SUB_THEMES


def seed(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    SubTheme = apps.get_model("frameworks", "SubTheme")
    themes = {t.code: t for t in SubTheme.objects.all()}
    for code, theme in INDICATOR_SUB_THEMES.items():
        Indicator.objects.filter(code=code, sub_theme__isnull=True).update(sub_theme=themes[theme])


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0010_indicator_sub_theme"),
        ("frameworks", "0002_seed_axes"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
