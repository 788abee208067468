"""Clean the names and references stored before `UserTextMixin` of their control and bidi
formatting characters, with the models' own helper (core.text.plain_text).

Without it, the first edit of such a person rewrote a reference nobody touched, and the
importer, which reads "OUJ-12" where "OUJ-12" and a right-to-left mark (U+200F) were stored,
registered the person a second time. A reference whose cleaned form another person of the
organisation already holds is left as it is and reported: the two records are one person, for
an officer to merge.
"""

from django.db import migrations

from core.text import clean_stored_user_text

# The user text of each model as `UserTextMixin` declared it when this migration was written.
USER_TEXT = {
    "Beneficiary": {
        "fields": ("beneficiary_ref", "first_name", "last_name"),
        "unique_within": {"beneficiary_ref": ("organisation_id",)},
    },
}


def clean_user_text(apps, schema_editor) -> list[str]:
    audit = apps.get_model("core", "AuditEntry")
    kept = []
    for name, spec in USER_TEXT.items():
        model = apps.get_model("beneficiaries", name)
        kept += clean_stored_user_text(model, audit_model=audit, **spec)
    return kept


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(clean_user_text, migrations.RunPython.noop)]
