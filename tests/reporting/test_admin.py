"""IOM officers add indicators in the admin without code; the engine then counts them."""

import datetime

from frameworks.models import SubTheme
from partners.choices import Role
from reporting.engine import Scope, compute
from reporting.models import Indicator
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.partners.test_admin import admin_client as signed_in_client
from tests.partners.test_admin import post_change, upserted


def officer_admin_client(iom):
    """An IOM officer as the operations command makes one (not a superuser)."""
    upserted("leila", iom, Role.IOM_OFFICER)
    return signed_in_client("leila")


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


def test_a_case_indicator_added_in_the_admin_is_counted(admin_client, partner_a):
    from cases.models import Case, CaseTransition
    from tests.beneficiaries.factories import BeneficiaryFactory

    response = admin_client.post(
        "/admin/reporting/indicator/add/",
        {"code": "returned_home_persons", "label_fr": "Retours", "label_en": "Returns",
         "label_ar": "العودة", "unit": "persons", "source": "case_closures", "ordering": 500,
         "age_scheme": "avrr", "by_closure_reason": "on", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    day = datetime.date(2023, 5, 1)
    case = Case.objects.create(
        beneficiary=BeneficiaryFactory(organisation=partner_a), organisation=partner_a,
        opened_on=day, status="closed", closed_on=day, closure_reason="returned_home",
    )  # fmt: skip
    CaseTransition.objects.create(case=case, kind="closed", on=day, closure_reason="returned_home")
    result = compute(Scope(), parse_period("2023-Q2"))["returned_home_persons"]
    assert result.total == 1
    assert result.by_closure_reason == {"returned_home": 1}
    assert "0-10" in result.by_age_band


def test_a_case_indicator_with_category_filters_is_refused(admin_client):
    response = admin_client.post(
        "/admin/reporting/indicator/add/",
        {"code": "x", "label_fr": "x", "label_en": "x", "label_ar": "x", "unit": "days",
         "source": "case_openings", "ordering": 1, "categories": ["medical"],
         "age_scheme": "standard"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Indicator.objects.filter(code="x").exists()


def test_an_officer_files_an_indicator_under_a_sub_theme(iom):
    """The catalogue maps each indicator to its sub-theme (the chapter of the mission bilan
    it is reported in): an officer sets and clears it on the indicator's admin page."""
    client = officer_admin_client(iom)
    indicator = Indicator.objects.get(code="legal_persons")
    url = f"/admin/reporting/indicator/{indicator.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "sub_theme" in page.context["adminform"].form.fields
    awareness = SubTheme.objects.get(code="awareness")
    listing = client.get(
        f"/admin/reporting/indicator/?sub_theme__axis__id__exact={awareness.axis_id}"
    )
    assert listing.status_code == 200

    response = post_change(client, indicator, sub_theme=awareness)

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.sub_theme == awareness
    post_change(client, indicator, sub_theme=False)
    indicator.refresh_from_db()
    assert indicator.sub_theme is None
