"""The counting rules of DESIGN.md §3 on hand-picked edge cases."""

import datetime

import pytest

from beneficiaries.services import beneficiary_merge
from reporting.engine import Scope, bilan, compute
from reporting.periods import Period, parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import ProjectFactory

Q2 = parse_period("2023-Q2")
D = datetime.date


@pytest.fixture
def person(partner_a):
    def make(**kwargs):
        return BeneficiaryFactory(organisation=partner_a, **kwargs)

    return make


@pytest.fixture
def service(project):
    def make(beneficiary, day, **kwargs):
        kwargs.setdefault("project", project)
        return AssistanceFactory(beneficiary=beneficiary, delivered_on=day, **kwargs)

    return make


def figures(project, period=Q2, **scope):
    return compute(Scope(project_id=project.pk, **scope), period)


def cells(result):
    return {k: getattr(result, k) for k in ("total", "women", "girls", "men", "boys", "unknown")}


def test_girl_turning_18_between_two_services_counts_once_as_a_girl(project, person, service):
    girl = person(sex="F", date_of_birth=D(2005, 5, 10))
    service(girl, D(2023, 4, 15))
    service(girl, D(2023, 6, 1))
    result = figures(project)
    assert cells(result["medical_services"]) == {
        "total": 2, "women": 1, "girls": 1, "men": 0, "boys": 0, "unknown": 0
    }  # fmt: skip
    assert cells(result["medical_persons"]) == {
        "total": 1, "women": 0, "girls": 1, "men": 0, "boys": 0, "unknown": 0
    }  # fmt: skip
    assert result["medical_persons"].by_age_band["12-17"] == 1
    assert result["medical_services"].by_age_band == {
        "0-4": 0, "5-11": 0, "12-17": 1, "18-24": 1, "25-59": 0, "60+": 0, "unknown": 0
    }  # fmt: skip


def test_a_service_on_the_18th_birthday_is_an_adults(project, person, service):
    service(person(sex="M", date_of_birth=D(2005, 5, 10)), D(2023, 5, 10))
    service(person(sex="M", date_of_birth=D(2005, 5, 11)), D(2023, 5, 10))
    result = figures(project)["medical_services"]
    assert (result.men, result.boys) == (1, 1)


def test_birth_year_only_means_1_july_of_that_year(project, person, service):
    someone = person(sex="F", date_of_birth=None, birth_year=2005)
    service(someone, D(2023, 6, 30))
    service(someone, D(2023, 7, 1))
    result = figures(project, Period(D(2023, 6, 1), D(2023, 7, 31)))
    assert (result["medical_services"].girls, result["medical_services"].women) == (1, 1)
    assert result["medical_persons"].girls == 1


def test_unknown_sex_or_age_is_unknown_everywhere(project, person, service):
    service(person(sex="U", date_of_birth=D(1990, 1, 1)), D(2023, 5, 1))
    service(person(sex="F", date_of_birth=None, birth_year=None), D(2023, 5, 1))
    result = figures(project)["medical_services"]
    assert cells(result) == {"total": 2, "women": 0, "girls": 0, "men": 0, "boys": 0, "unknown": 2}
    assert result.by_age_band["25-59"] == 1
    assert result.by_age_band["unknown"] == 1


def test_cancelled_and_planned_rows_never_count(project, person, service):
    someone = person()
    service(someone, D(2023, 5, 1), status="cancelled")
    service(someone, D(2023, 5, 2), status="planned")
    result = figures(project)
    assert result["assistances_delivered"].total == 0
    assert result["beneficiaries_reached"].total == 0


def test_period_bounds_are_inclusive_and_rows_just_outside_do_not_count(project, person, service):
    someone = person()
    for day in (D(2023, 3, 31), D(2023, 4, 1), D(2023, 6, 30), D(2023, 7, 1)):
        service(someone, day)
    assert figures(project)["medical_services"].total == 2


def test_another_projects_rows_do_not_count(project, donor, person, service):
    other = ProjectFactory(code="OTHER", donor=donor)
    someone = person()
    service(someone, D(2023, 5, 1), project=other)
    service(someone, D(2023, 5, 1), project=None)
    assert figures(project)["assistances_delivered"].total == 0
    assert figures(other)["assistances_delivered"].total == 1


def test_a_merged_duplicate_counts_once(project, person, service, officer):
    keep = person(sex="F", date_of_birth=D(1990, 1, 1))
    duplicate = person(sex="F", date_of_birth=D(1990, 1, 1))
    service(keep, D(2023, 4, 10))
    service(duplicate, D(2023, 5, 10))
    assert figures(project)["medical_persons"].total == 2
    beneficiary_merge(duplicate=duplicate, keep=keep, acting_user=officer)
    result = figures(project)
    assert result["medical_persons"].total == 1
    assert result["medical_services"].total == 2


def test_rows_left_on_a_merged_record_count_as_the_kept_person(project, person, service):
    keep = person(sex="M", date_of_birth=D(2010, 1, 1))
    duplicate = person(sex="U", date_of_birth=None, merged_into=keep)
    service(duplicate, D(2023, 4, 10))
    service(keep, D(2023, 5, 10))
    result = figures(project)
    assert cells(result["medical_persons"])["boys"] == 1
    assert result["medical_persons"].total == 1
    assert result["medical_services"].boys == 2


def test_persons_are_classified_at_their_first_qualifying_assistance(project, person, service):
    someone = person(sex="F", date_of_birth=D(2005, 5, 10))
    service(someone, D(2023, 4, 1), category="food", subtype="meal")  # a girl then
    service(someone, D(2023, 6, 1))  # medical, a woman by then
    result = figures(project)
    assert result["beneficiaries_reached"].girls == 1
    assert result["medical_persons"].women == 1


def test_public_health_referrals_count_only_when_the_service_was_received(project, person, service):
    service(person(), D(2023, 5, 1), subtype="referral_public_health", outcome="service_received")
    service(person(), D(2023, 5, 1), subtype="referral_public_health", outcome="no_show")
    assert figures(project)["public_health_referrals_completed_persons"].total == 1


def test_avrr_returns_by_country_and_avrr_scheme(project, person, service):
    man = person(sex="M", date_of_birth=D(1980, 1, 1))
    service(man, D(2023, 5, 1), category="avrr", subtype="return_from_morocco", country="GN")
    girl = person(sex="F", date_of_birth=D(2013, 1, 1))
    service(girl, D(2023, 5, 2), category="avrr", subtype="return_from_morocco", country="SN")
    service(girl, D(2023, 5, 3), category="avrr", subtype="return_from_morocco", country="GN")
    result = figures(project)["avrr_returns"].as_json()
    assert result["total"] == 2
    assert result["by_country"] == {
        "GN": {"F": 0, "M": 1, "unknown": 0},
        "SN": {"F": 1, "M": 0, "unknown": 0},
    }
    assert result["by_age_band"] == {
        "0-10": 1, "11-18": 0, "19-35": 0, "36-65": 1, "66+": 0, "unknown": 0
    }  # fmt: skip


def test_reintegration_by_subtype_counts_a_person_once_per_subtype(project, person, service):
    someone = person()
    for subtype in ("cash", "cash", "business"):
        service(someone, D(2023, 5, 1), category="reintegration", subtype=subtype)
    result = figures(project)["reintegration_persons"].as_json()
    assert result["total"] == 1
    assert result["by_subtype"] == {"business": 1, "cash": 1}
    assert list(result["by_age_band"]) == ["0-18", "19-35", "36-60", "61+", "unknown"]


def test_scope_by_organisation_city_and_population(project, partner_b, person, service):
    from tests.partners.factories import city

    oujda = city("oujda")
    service(person(is_migrant=True), D(2023, 5, 1), city=oujda)
    national = BeneficiaryFactory(organisation=partner_b, is_migrant=False)
    service(national, D(2023, 5, 1), provider=partner_b)
    assert figures(project)["beneficiaries_reached"].total == 2
    assert figures(project, organisation_id=partner_b.pk)["beneficiaries_reached"].total == 1
    assert figures(project, city_id=oujda.pk)["beneficiaries_reached"].total == 1
    assert figures(project, region_id=oujda.region_id)["beneficiaries_reached"].total == 1
    assert figures(project, population="national")["beneficiaries_reached"].total == 1
    assert figures(project, population="migrant")["beneficiaries_reached"].total == 1


def test_grouped_by_provider_each_group_is_its_own_scope(project, partner_a, partner_b, person):
    someone = person()
    AssistanceFactory(beneficiary=someone, project=project, delivered_on=D(2023, 5, 1))
    AssistanceFactory(
        beneficiary=someone, project=project, delivered_on=D(2023, 5, 2), provider=partner_b
    )
    grouped = compute(Scope(project_id=project.pk), Q2, group_by="provider")
    assert grouped[partner_a.pk]["beneficiaries_reached"].total == 1
    assert grouped[partner_b.pk]["beneficiaries_reached"].total == 1


def test_the_bilan_takes_four_queries_whatever_the_catalogue(
    project, person, service, django_assert_max_num_queries
):
    for i in range(5):
        service(person(), D(2023, 5, 1 + i))
    # The catalogue, then one statement for the assistance indicators, one for the case
    # indicators (reporting.case_engine) and one for the capacity-building events.
    with django_assert_max_num_queries(4):
        data = bilan(project, Q2)
    assert data["project"] == project.code
    assert (data["start"], data["end"]) == ("2023-04-01", "2023-06-30")
    assert data["indicators"]["medical_services"]["total"] == 5
    assert len(data["indicators"]) == 21


def test_the_default_catalogue_is_seeded_with_the_contract_codes(db):
    from reporting.models import Indicator

    assert set(Indicator.objects.values_list("code", flat=True)) >= {
        "beneficiaries_reached", "assistances_delivered", "medical_persons", "medical_services",
        "psychosocial_persons", "psychosocial_services",
        "public_health_referrals_completed_persons", "humanitarian_persons",
        "humanitarian_services", "emergency_housing_persons", "legal_persons",
        "protection_persons", "awareness_persons", "avrr_returns", "returnees_to_morocco",
        "reintegration_persons", "employability_persons", "entrepreneurship_persons",
        "cases_opened_persons", "cases_closed_persons", "case_closure_median_days",
    }  # fmt: skip
    avrr = Indicator.objects.get(code="avrr_returns")
    assert (avrr.age_scheme, avrr.by_country, avrr.label_ar != "") == ("avrr", True, True)


def test_several_groupings_in_one_statement_equal_each_grouping_alone(
    project, partner_b, person, service, django_assert_num_queries
):
    from reporting.models import Indicator
    from tests.partners.factories import city

    girl = person(sex="F", date_of_birth=D(2006, 5, 1))
    service(girl, D(2023, 4, 20), city=city("oujda"))
    service(girl, D(2023, 5, 2), provider=partner_b)
    service(person(sex="M"), D(2023, 6, 9), city=city("oujda"))
    scope = Scope(project_id=project.pk)
    dimensions = ("provider", "city", "month")
    catalogue = list(Indicator.objects.active())
    services = [i for i in catalogue if i.unit == "services"]
    with django_assert_num_queries(1):  # services only: one pass for the three dimensions
        together = compute(scope, Q2, services, group_by=dimensions)
    # With persons: one statement per dimension, and one more each for the case indicators.
    with django_assert_num_queries(6):
        mixed = compute(scope, Q2, catalogue, group_by=dimensions)
    for dimension in dimensions:
        alone = compute(scope, Q2, catalogue, group_by=dimension)
        assert set(together[dimension]) == set(alone) == set(mixed[dimension])
        for key, results in alone.items():
            expected = {code: r.as_json() for code, r in results.items()}
            got = {code: r.as_json() for code, r in together[dimension][key].items()}
            assert got == {code: expected[code] for code in got}
            assert {code: r.as_json() for code, r in mixed[dimension][key].items()} == expected
    assert mixed["month"][D(2023, 5, 1)]["beneficiaries_reached"].girls == 1
    assert together["month"][D(2023, 4, 1)]["assistances_delivered"].girls == 1
    assert None in together["city"]  # the row without a city


def test_more_indicators_than_one_mask_holds(person, service, project, partner_b):
    """Past 62 indicators the engine tracks them in several bitmasks: four copies of the
    catalogue (72 indicators) give four times the same figures, still in one statement."""
    import copy

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.models import Indicator

    girl, man = person(sex="F", date_of_birth=D(2010, 5, 1)), person(sex="M", birth_year=1980)
    service(girl, D(2023, 4, 2), category="medical", subtype="consultation")
    service(girl, D(2023, 5, 2), category="reintegration", subtype="cash")
    service(man, D(2023, 6, 2), category="avrr", subtype="return_from_morocco", country="GN")
    service(man, D(2023, 6, 3), category="reintegration", subtype="business", provider=partner_b)
    # The assistance indicators (the case indicators have a statement of their own).
    catalogue = [i for i in Indicator.objects.active() if not i.counts_cases]
    copies = []
    for n in range(4):
        for indicator in catalogue:
            twin = copy.copy(indicator)
            twin.code = f"{indicator.code}_{n}"
            copies.append(twin)
    assert len(copies) > 62
    expected = {code: r.as_json() for code, r in figures(project).items()}
    with CaptureQueriesContext(connection) as queries:
        got = compute(Scope(project_id=project.pk), Q2, copies)
    assert len(queries) == 1
    for indicator in copies:
        assert got[indicator.code].as_json() == expected[indicator.code.rsplit("_", 1)[0]]
    assert expected["reintegration_persons"]["by_subtype"] == {"business": 1, "cash": 1}
    assert expected["avrr_returns"]["by_country"] == {"GN": {"F": 0, "M": 1, "unknown": 0}}


def test_several_projects_count_a_person_once_and_no_project_outside_them(
    project, donor, person, service
):
    """`Scope.project_ids` (a donor's projects on the mission dashboard): a person assisted
    under two of the projects counts once; assistances of other projects and of none do not
    count; an empty tuple keeps nothing."""
    second = ProjectFactory(code="SECOND", donor=donor)
    third = ProjectFactory(code="THIRD", donor=donor)
    shared, only_second, elsewhere = person(sex="F"), person(sex="M"), person(sex="F")
    service(shared, D(2023, 4, 3))
    service(shared, D(2023, 5, 3), project=second)
    service(only_second, D(2023, 5, 4), project=second)
    service(elsewhere, D(2023, 5, 5), project=third)
    service(elsewhere, D(2023, 5, 6), project=None)

    both = compute(Scope(project_ids=(project.pk, second.pk)), Q2)
    assert both["beneficiaries_reached"].total == 2
    assert both["assistances_delivered"].total == 3
    assert compute(Scope(project_ids=(third.pk,)), Q2)["beneficiaries_reached"].total == 1
    assert compute(Scope(project_ids=()), Q2)["beneficiaries_reached"].total == 0
    assert compute(Scope(), Q2)["beneficiaries_reached"].total == 3
    with pytest.raises(ValueError):
        Scope(project_ids=[project.pk])
