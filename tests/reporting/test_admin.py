"""IOM officers add indicators in the admin without code; the engine then counts them."""

import datetime

from reporting.engine import Scope, compute
from reporting.models import Indicator
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory


def test_an_indicator_added_in_the_admin_is_counted(admin_client, project, partner_a):
    response = admin_client.post(
        "/admin/reporting/indicator/add/",
        {
            "code": "hygiene_kits_persons",
            "label_fr": "Personnes ayant reçu un kit d'hygiène",
            "label_en": "Persons receiving a hygiene kit",
            "label_ar": "الأشخاص الذين تلقوا مجموعة النظافة",
            "unit": "persons",
            "ordering": 500,
            "categories": ["non_food"],
            "subtypes": ["hygiene_kit"],
            "age_scheme": "standard",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator = Indicator.objects.get(code="hygiene_kits_persons")
    assert indicator.subtypes == ["hygiene_kit"]
    AssistanceFactory(
        beneficiary__organisation=partner_a, project=project, category="non_food",
        subtype="hygiene_kit", delivered_on=datetime.date(2023, 5, 1),
    )  # fmt: skip
    results = compute(Scope(project_id=project.pk), parse_period("2023-Q2"))
    assert results["hygiene_kits_persons"].total == 1
    assert admin_client.get("/admin/reporting/indicator/").status_code == 200


def test_unknown_subtypes_are_refused(admin_client):
    response = admin_client.post(
        "/admin/reporting/indicator/add/",
        {"code": "x", "label_fr": "x", "label_en": "x", "label_ar": "x", "unit": "persons",
         "ordering": 1, "subtypes": ["nope"], "age_scheme": "standard"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Indicator.objects.filter(code="x").exists()
