"""Notification moves here from bilans: every app may now notify a user (the cases app's
follow-ups, referrals past their response deadline, the morning digest), and core is the
only app below them all. Only the models' state moves; the table keeps its name
(`bilans_notification`) and its rows. bilans 0003 takes the model out of bilans' state and
hands its content type over."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_audit_unmerge_action"),
        # The table this state describes is created by bilans' first migration.
        ("bilans", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
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
                        ("message", models.CharField(max_length=300, verbose_name="message")),
                        ("link", models.CharField(blank=True, max_length=300, verbose_name="lien")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="créée le"),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="lue le"),
                        ),
                        (
                            "key",
                            models.CharField(
                                blank=True,
                                help_text="Évite d'envoyer deux fois la même notification.",
                                max_length=120,
                                verbose_name="clé",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="destinataire",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "bilans_notification",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("key", ""), _negated=True),
                                fields=("user", "key"),
                                name="notification_once_per_key",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
