"""Import batches: when the current step was queued for a worker (its start is when a worker
takes it), so a batch waiting behind others is not failed for the time it waited."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0007_referral_one_destination"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="mis en file le"),
        ),
    ]
