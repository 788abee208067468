"""A referral goes to a partner or to an outside structure, not both (Referral.clean()).

The API used to accept both. Such a referral could then no longer be accepted, declined or
given an outcome: every answer failed on a structure name the receiving partner cannot remove.
The partner is the destination that acts on it; the structure name is cleared. Referrals have
no notes field to carry it, so the audit trail keeps it (old and new value, no actor) and the
migration lists the referrals it changed.
"""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def clear_structure_of_partner_referrals(apps, schema_editor) -> list[int]:
    referral_model = apps.get_model("assistance", "Referral")
    audit_model = apps.get_model("core", "AuditEntry")
    both = (
        referral_model.objects.filter(to_organisation__isnull=False)
        .exclude(to_structure="")
        .order_by("pk")
    )
    rows = list(both.values_list("pk", "to_structure"))
    if not rows:
        return []
    referral_model.objects.filter(pk__in=[pk for pk, _name in rows]).update(to_structure="")
    audit_model.objects.bulk_create(
        [
            audit_model(
                action="update",
                model="assistance.referral",
                object_id=str(pk),
                changes={"to_structure": [name, ""]},
            )
            for pk, name in rows
        ]
    )
    for pk, name in rows:
        logger.warning(
            "assistance.referral #%s: to_structure %r cleared (the referral goes to a partner)",
            pk,
            name,
        )
    return [pk for pk, _name in rows]


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0006_clean_user_text"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_structure_of_partner_referrals, migrations.RunPython.noop)
    ]
