"""Indicators may count case openings and closures (DESIGN.md §7): `source`, the unit `days`
and the closure-reason breakdown."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_fact_frozen_age"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="indicator",
            name="indicator_unit_valid",
        ),
        migrations.AddField(
            model_name="indicator",
            name="by_closure_reason",
            field=models.BooleanField(
                default=False, verbose_name="ventilation par motif de clôture"
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="source",
            field=models.CharField(
                choices=[
                    ("assistances", "Assistances délivrées"),
                    ("case_openings", "Ouvertures de dossiers de suivi"),
                    ("case_closures", "Clôtures de dossiers de suivi"),
                ],
                default="assistances",
                help_text="Les filtres de catégorie, de type et d'issue ne s'appliquent qu'aux assistances.",
                max_length=20,
                verbose_name="ce qui est compté",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="unit",
            field=models.CharField(
                choices=[
                    ("persons", "Personnes"),
                    ("services", "Services"),
                    ("days", "Jours (médiane)"),
                ],
                max_length=10,
                verbose_name="unité",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit__in", ["persons", "services", "days"])),
                name="indicator_unit_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source__in", ["assistances", "case_openings", "case_closures"])
                ),
                name="indicator_source_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("by_closure_reason", False),
                        ("source", "assistances"),
                        ("unit__in", ["persons", "services"]),
                    ),
                    models.Q(
                        ("by_closure_reason", False),
                        ("source", "case_openings"),
                        ("unit", "persons"),
                    ),
                    models.Q(("source", "case_closures"), ("unit", "persons")),
                    models.Q(
                        ("by_closure_reason", False), ("source", "case_closures"), ("unit", "days")
                    ),
                    _connector="OR",
                ),
                name="indicator_source_unit_valid",
            ),
        ),
    ]
