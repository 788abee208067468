"""ClosedPeriod moves here from bilans: closing a project's period is a property of its
reporting periods, which the assistance services check before any write, so it must live
below them (README, "Architecture"). Only the models' state moves; the table keeps its name
(`bilans_closedperiod`) and its rows. bilans 0002 takes the model out of bilans' state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_clean_user_text"),
        # The table this state describes is created by bilans' first migration.
        ("bilans", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ClosedPeriod",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("start", models.DateField(verbose_name="début")),
                        ("end", models.DateField(verbose_name="fin")),
                        (
                            "closed_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="clôturée le"),
                        ),
                        (
                            "reopened_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="rouverte le"),
                        ),
                        (
                            "reopen_reason",
                            models.TextField(blank=True, verbose_name="motif de réouverture"),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="clôturée par",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="closed_periods",
                                to="partners.project",
                                verbose_name="projet",
                            ),
                        ),
                        (
                            "reopened_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="rouverte par",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "période clôturée",
                        "verbose_name_plural": "périodes clôturées",
                        "db_table": "bilans_closedperiod",
                        "ordering": ["-start", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("end__gte", models.F("start"))),
                                name="closed_period_bounds",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("reopened_at__isnull", True),
                                    models.Q(("reopen_reason", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="closed_period_reopen_has_reason",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
