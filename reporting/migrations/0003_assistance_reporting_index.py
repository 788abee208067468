"""A covering index for the engine's scan of one project's delivered rows over a period.

It lives on the assistance table but belongs to reporting: it holds exactly the columns the
engine reads (reporting/engine.py), so a bilan is an index-only scan of one project's slice
instead of a visit to every heap page of the fact table.
"""

from django.db import migrations

INDEX = "reporting_assistance_delivered_cover"


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_seed_default_catalogue"),
        ("assistance", "0002_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON assistance_assistance "
                "(project_id, delivered_on) INCLUDE (id, beneficiary_id, category, subtype, "
                "outcome, country, provider_id, city_id) WHERE status = 'delivered'"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
