"""Clean the notes, references, reasons and titles stored before `UserTextMixin` of their
control and bidi formatting characters, with the models' own helper (core.text.plain_text).

An assistance reference whose cleaned form another row of the same provider already holds is
left as it is and reported (re-importing the partner's file would otherwise not find the row).
"""

from django.db import migrations

from core.text import clean_stored_user_text

# The user text of each model as `UserTextMixin` declared it when this migration was written.
USER_TEXT = {
    "Assistance": {
        "fields": ("assistance_ref",),
        "multiline_fields": ("notes",),
        "unique_within": {"assistance_ref": ("provider_id",)},
    },
    "Referral": {"fields": ("to_structure",), "multiline_fields": ("reason", "decline_note")},
    "ReturnCase": {"multiline_fields": ("notes",)},
    "Activity": {"fields": ("title",)},
}


def clean_user_text(apps, schema_editor) -> list[str]:
    audit = apps.get_model("core", "AuditEntry")
    kept = []
    for name, spec in USER_TEXT.items():
        model = apps.get_model("assistance", name)
        kept += clean_stored_user_text(model, audit_model=audit, **spec)
    return kept


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0005_import_limits"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(clean_user_text, migrations.RunPython.noop)]
