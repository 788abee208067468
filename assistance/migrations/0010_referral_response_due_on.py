"""Closed-loop referrals (issue 14): a referral to a partner gets the date its answer is
expected by, REFERRAL_RESPONSE_WORKING_DAYS working days (Monday to Friday) after it was
sent unless the sender picks one. The referrals already sent get the default deadline, so
those still unanswered show as overdue like any new one; referrals to an outside structure,
which no one answers, get none."""

import datetime

from django.conf import settings
from django.db import migrations, models


def _add_working_days(day, count):
    # Written out here (not core.clock's) so this migration stays what it was when it ran.
    while count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def fill_deadlines(apps, schema_editor):
    Referral = apps.get_model("assistance", "Referral")
    days = getattr(settings, "REFERRAL_RESPONSE_WORKING_DAYS", 5)
    sent = Referral.objects.filter(to_organisation__isnull=False, response_due_on__isnull=True)
    # One UPDATE per date sent, not per referral.
    for day in sent.order_by().values_list("referred_on", flat=True).distinct():
        sent.filter(referred_on=day).update(response_due_on=_add_working_days(day, days))


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0009_assistance_frozen_age"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="response_due_on",
            field=models.DateField(
                blank=True,
                help_text=(
                    "Passée cette date sans réponse du partenaire, le référencement est en retard."
                ),
                null=True,
                verbose_name="réponse attendue le",
            ),
        ),
        migrations.RunPython(fill_deadlines, migrations.RunPython.noop),
    ]
