"""Add the case indicators of issue 14 to the catalogue (DESIGN.md §3 and §7). The codes are
the contract of the bilan JSON, like those of migration 0002; they come after its indicators."""

from django.db import migrations

# code, source, unit, by_closure_reason, ordering, fr, en, ar
CASE_INDICATORS = [
    (
        "cases_opened_persons",
        "case_openings",
        "persons",
        False,
        190,
        "Personnes dont un dossier de suivi a été ouvert",
        "Persons with a case opened",
        "الأشخاص الذين فُتح لهم ملف متابعة",
    ),
    (
        "cases_closed_persons",
        "case_closures",
        "persons",
        True,
        200,
        "Personnes dont un dossier de suivi a été clôturé",
        "Persons whose case was closed",
        "الأشخاص الذين أُغلق ملف متابعتهم",
    ),
    (
        "case_closure_median_days",
        "case_closures",
        "days",
        False,
        210,
        "Durée médiane d'un dossier de suivi, de l'ouverture à la clôture (jours)",
        "Median case duration, from opening to closure (days)",
        "المدة الوسيطة لملف المتابعة من الفتح إلى الإغلاق (بالأيام)",
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    for code, source, unit, by_reason, ordering, fr, en, ar in CASE_INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "source": source,
                "unit": unit,
                "categories": [],
                "subtypes": [],
                "outcomes": [],
                "age_scheme": "standard",
                "by_country": False,
                "by_subtype": False,
                "by_closure_reason": by_reason,
                "label_fr": fr,
                "label_en": en,
                "label_ar": ar,
                "ordering": ordering,
                "is_active": True,
            },
        )


def unseed(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    Indicator.objects.filter(code__in=[row[0] for row in CASE_INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0008_indicator_case_sources")]

    operations = [migrations.RunPython(seed, unseed)]
