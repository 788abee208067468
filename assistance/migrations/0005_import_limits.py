"""Import batches: when a step started, how many times a worker started it, and how many
errors the file had (the report keeps the first 1,000)."""

from django.db import migrations, models

# Batches recorded before the limit: count their errors, keep the first 1,000 (engine.ERRORS_KEPT).
COUNT_AND_TRIM_ERRORS = """
UPDATE assistance_importbatch SET error_count = jsonb_array_length(errors)
 WHERE jsonb_typeof(errors) = 'array';
UPDATE assistance_importbatch
   SET errors = (SELECT jsonb_agg(error ORDER BY position)
                   FROM jsonb_array_elements(errors) WITH ORDINALITY AS e(error, position)
                  WHERE position <= 1000)
 WHERE error_count > 1000;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_referral_decline_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="tentatives"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="error_count",
            field=models.PositiveIntegerField(default=0, verbose_name="nombre d'erreurs"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="commencé le"),
        ),
        migrations.RunSQL(COUNT_AND_TRIM_ERRORS, migrations.RunSQL.noop),
    ]
