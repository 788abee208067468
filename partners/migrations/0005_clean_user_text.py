"""Clean the names and titles stored before `UserTextMixin` of their control and bidi
formatting characters, with the models' own helper (core.text.plain_text)."""

from django.db import migrations

from core.text import clean_stored_user_text

# The user text of each model as `UserTextMixin` declared it when this migration was written.
USER_TEXT = {
    "Region": {"fields": ("name", "name_ar")},
    "City": {"fields": ("name", "name_ar")},
    "Organisation": {"fields": ("name",)},
    "Project": {"fields": ("title",)},
}


def clean_user_text(apps, schema_editor) -> list[str]:
    audit = apps.get_model("core", "AuditEntry")
    kept = []
    for name, spec in USER_TEXT.items():
        model = apps.get_model("partners", name)
        kept += clean_stored_user_text(model, audit_model=audit, **spec)
    return kept


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_small_cell_threshold_default"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(clean_user_text, migrations.RunPython.noop)]
