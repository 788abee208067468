"""Clean the indicator labels stored before `UserTextMixin` of their control and bidi
formatting characters, with the models' own helper (core.text.plain_text)."""

from django.db import migrations

from core.text import clean_stored_user_text

# The user text of each model as `UserTextMixin` declared it when this migration was written.
USER_TEXT = {
    "Indicator": {"fields": ("label_fr", "label_en", "label_ar")},
}


def clean_user_text(apps, schema_editor) -> list[str]:
    audit = apps.get_model("core", "AuditEntry")
    kept = []
    for name, spec in USER_TEXT.items():
        model = apps.get_model("reporting", name)
        kept += clean_stored_user_text(model, audit_model=audit, **spec)
    return kept


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_fact_triggers"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(clean_user_text, migrations.RunPython.noop)]
