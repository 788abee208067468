"""The project's own API tokens (expiring, revocable, stored as a hash), and the flag that
sends a user whose password a manager or an officer reset to the change page first.

DRF's `rest_framework.authtoken` is no longer installed: its tokens stopped working with this
release (every API client asks for a new token once). Its table is dropped here rather than
left behind: it holds the old keys in clear, and they have no use any more; keeping them would
only leave credentials in the database and its backups. Going back does not recreate it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_closedperiod_from_bilans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.AddField(
            model_name="membership",
            name="must_change_password",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="doit changer son mot de passe"
            ),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="nom")),
                (
                    "key_hash",
                    models.CharField(
                        max_length=64, unique=True, verbose_name="empreinte de la clé"
                    ),
                ),
                ("prefix", models.CharField(max_length=8, verbose_name="début de la clé")),
                ("created_at", models.DateTimeField(verbose_name="créé le")),
                ("expires_at", models.DateTimeField(verbose_name="expire le")),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="dernière utilisation"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="révoqué le"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="utilisateur",
                    ),
                ),
            ],
            options={
                "verbose_name": "jeton d'API",
                "verbose_name_plural": "jetons d'API",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["user", "revoked_at"], name="partners_ap_user_id_4b02c0_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="api_token_expires_later",
                    )
                ],
            },
        ),
    ]
