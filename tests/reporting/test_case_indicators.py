"""The case indicators (issue 14; reporting.case_engine) on hand-picked cases: openings,
closures by reason, the median days from opening to closure, their scope and their place in
the bilan JSON."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.protection import beneficiary_pseudonymise
from cases.models import Case, CaseTransition
from cases.services import case_close, case_open, case_reopen
from partners.access import SYSTEM
from reporting.engine import Scope, bilan, compute
from reporting.models import Indicator
from reporting.periods import parse_period
from reporting.suppression import suppress_bilan
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory, city

pytestmark = pytest.mark.django_db

D = datetime.date
Q1, Q2 = parse_period("2023-Q1"), parse_period("2023-Q2")
CODES = ("cases_opened_persons", "cases_closed_persons", "case_closure_median_days")
CELLS = ("total", "women", "girls", "men", "boys", "unknown")


def make_case(person, organisation, opened_on, *events):
    """A case and its transitions as the services leave them: opened on `opened_on`, then
    each event ("closed", day, reason) or ("reopened", day) in order."""
    last = events[-1] if events else ("opened",)
    closed = last[0] == "closed"
    case = Case.objects.create(
        beneficiary=person,
        organisation=organisation,
        opened_on=opened_on,
        status="closed" if closed else "open",
        closed_on=last[1] if closed else None,
        closure_reason=last[2] if closed else "",
    )
    CaseTransition.objects.create(case=case, kind="opened", on=opened_on)
    for event in events:
        CaseTransition.objects.create(
            case=case,
            kind=event[0],
            on=event[1],
            closure_reason=event[2] if event[0] == "closed" else "",
        )
    return case


@pytest.fixture
def person(partner_a):
    def make(**kwargs):
        kwargs.setdefault("registered_on", D(2022, 1, 1))
        return BeneficiaryFactory(organisation=partner_a, **kwargs)

    return make


def figures(period=Q2, **scope):
    return compute(Scope(**scope), period, Indicator.objects.filter(code__in=CODES))


def cells(result):
    return {k: getattr(result, k) for k in CELLS}


def test_the_catalogue_has_the_three_case_indicators_in_three_languages():
    found = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    assert set(found) == set(CODES)
    assert [found[c].unit for c in CODES] == ["persons", "persons", "days"]
    assert found["cases_closed_persons"].by_closure_reason
    for indicator in found.values():
        assert indicator.label_fr and indicator.label_en and indicator.label_ar
        indicator.full_clean()


def test_a_person_opened_in_the_period_counts_once_at_the_age_of_the_first_opening(
    partner_a, partner_b, person
):
    girl = person(sex="F", date_of_birth=D(2005, 5, 10))  # 18 on 10 May 2023
    make_case(girl, partner_a, D(2023, 4, 2))
    make_case(girl, partner_b, D(2023, 6, 1))  # a second organisation's case: same person
    result = figures()["cases_opened_persons"]
    assert cells(result) == {"total": 1, "women": 0, "girls": 1, "men": 0, "boys": 0,
                             "unknown": 0}  # fmt: skip
    assert result.by_age_band["12-17"] == 1


def test_a_reopening_is_not_an_opening_and_an_opening_before_the_period_does_not_count(
    partner_a, person
):
    man = person(sex="M", date_of_birth=D(1980, 1, 1))
    make_case(man, partner_a, D(2023, 1, 10), ("closed", D(2023, 2, 1), "goals_met"),
              ("reopened", D(2023, 5, 1)))  # fmt: skip
    assert figures()["cases_opened_persons"].total == 0
    assert figures(Q1)["cases_opened_persons"].men == 1


def test_a_case_closed_in_q1_and_reopened_in_q2_counts_as_closed_in_q1_only(partner_a, person):
    woman = person(sex="F", date_of_birth=D(1980, 1, 1))
    make_case(woman, partner_a, D(2023, 1, 10), ("closed", D(2023, 3, 1), "lost_contact"),
              ("reopened", D(2023, 4, 5)))  # fmt: skip
    q1, q2 = figures(Q1), figures(Q2)
    assert q1["cases_closed_persons"].women == 1
    assert q1["cases_closed_persons"].by_closure_reason == {"lost_contact": 1}
    assert q1["case_closure_median_days"].median == 50.0  # 10 January → 1 March
    assert q2["cases_closed_persons"].total == 0
    assert q2["cases_closed_persons"].by_closure_reason == {}
    assert q2["case_closure_median_days"].median is None


def test_a_person_counts_once_under_each_closure_reason_of_the_period(partner_a, partner_b, person):
    boy = person(sex="M", date_of_birth=D(2010, 1, 1))
    other = person(sex="F", date_of_birth=D(1990, 1, 1))
    make_case(boy, partner_a, D(2023, 4, 1), ("closed", D(2023, 4, 11), "goals_met"),
              ("reopened", D(2023, 5, 1)), ("closed", D(2023, 5, 21), "moved_away"))  # fmt: skip
    make_case(boy, partner_b, D(2023, 4, 1), ("closed", D(2023, 6, 30), "goals_met"))
    make_case(other, partner_a, D(2022, 12, 1), ("closed", D(2023, 6, 1), "goals_met"))
    result = figures()
    closed = result["cases_closed_persons"]
    assert cells(closed) == {"total": 2, "women": 1, "girls": 0, "men": 0, "boys": 1,
                             "unknown": 0}  # fmt: skip
    assert closed.by_closure_reason == {"goals_met": 2, "moved_away": 1}
    # Every closure counts for the median: 10, 50 (from the first opening), 90 and 182 days.
    days = result["case_closure_median_days"]
    assert days.median == 70.0
    assert cells(days) == {"total": 4, "women": 1, "girls": 0, "men": 0, "boys": 3,
                           "unknown": 0}  # fmt: skip
    assert sum(days.by_age_band.values()) == 4


def test_merged_duplicates_count_once_with_the_kept_records_sex_and_age(partner_a, person):
    kept = person(sex="F", date_of_birth=D(1990, 1, 1))
    duplicate = person(sex="M", date_of_birth=D(2010, 1, 1), merged_into=kept)
    make_case(kept, partner_a, D(2023, 4, 3), ("closed", D(2023, 4, 13), "goals_met"))
    make_case(duplicate, partner_a, D(2023, 5, 3))
    result = figures()
    assert cells(result["cases_opened_persons"]) == {"total": 1, "women": 1, "girls": 0,
                                                     "men": 0, "boys": 0, "unknown": 0}  # fmt: skip
    assert result["cases_closed_persons"].women == 1


def test_unknown_sex_or_age_is_unknown(partner_a, person):
    make_case(person(sex="U", date_of_birth=D(1990, 1, 1)), partner_a, D(2023, 5, 1))
    make_case(person(sex="F", date_of_birth=None, birth_year=None), partner_a, D(2023, 5, 1))
    result = figures()["cases_opened_persons"]
    assert cells(result) == {"total": 2, "women": 0, "girls": 0, "men": 0, "boys": 0,
                             "unknown": 2}  # fmt: skip
    assert result.by_age_band["unknown"] == 1


def test_scope_organisation_city_and_population(partner_a, partner_b, person):
    # partner_a is in Oujda, partner_b in Casablanca (tests/conftest.py).
    in_rabat = person(sex="F", city=city("rabat"), is_migrant=False)
    no_city = person(sex="M", city=None)
    make_case(in_rabat, partner_a, D(2023, 5, 1))
    make_case(no_city, partner_b, D(2023, 5, 1))
    assert figures(organisation_id=partner_a.pk)["cases_opened_persons"].total == 1
    assert figures(city_id=city("rabat").pk)["cases_opened_persons"].women == 1
    # Without a city of their own, a person is where the organisation is.
    assert figures(city_id=city("casablanca").pk)["cases_opened_persons"].men == 1
    assert figures(city_id=city("oujda").pk)["cases_opened_persons"].total == 0
    assert figures(region_id=city("rabat").region_id)["cases_opened_persons"].women == 1
    assert figures(population="national")["cases_opened_persons"].women == 1
    assert figures(population="migrant")["cases_opened_persons"].men == 1


def test_a_case_counts_for_a_project_its_organisation_implements_for_a_person_it_served(
    project, partner_a, person
):
    served, served_late, never_served, served_elsewhere = (person() for _ in range(4))
    outsider = OrganisationFactory(slug="not-in-project")
    AssistanceFactory(beneficiary=served, project=project, delivered_on=D(2023, 1, 5))
    AssistanceFactory(beneficiary=served_late, project=project, delivered_on=D(2023, 7, 1))
    AssistanceFactory(beneficiary=served_elsewhere, project=None, delivered_on=D(2023, 5, 5))
    for someone in (served, served_late, never_served, served_elsewhere):
        make_case(someone, partner_a, D(2023, 5, 1))
    make_case(served, outsider, D(2023, 5, 2))  # not a partner of the project
    scoped = figures(project_id=project.pk)
    assert scoped["cases_opened_persons"].total == 1
    # The assistance may come after the opening, as long as it is within the period.
    assert figures(parse_period("2023"), project_id=project.pk)["cases_opened_persons"].total == 2


def test_a_merged_duplicates_assistance_serves_the_kept_person_for_the_project_rule(
    project, partner_a, person
):
    kept = person()
    duplicate = person(merged_into=kept)
    AssistanceFactory(beneficiary=duplicate, project=project, delivered_on=D(2023, 4, 5))
    make_case(kept, partner_a, D(2023, 5, 1))
    assert figures(project_id=project.pk)["cases_opened_persons"].total == 1


def test_through_the_services_open_close_reopen_close(alice, partner_a, person):
    someone = person(sex="M", date_of_birth=D(1990, 1, 1))
    case = case_open(beneficiary=someone, acting_user=alice, opened_on=D(2023, 3, 1))
    case = case_close(case=case, reason="referred_elsewhere", acting_user=alice,
                      closed_on=D(2023, 3, 31))  # fmt: skip
    case = case_reopen(case=case, reason="revenu", acting_user=alice, reopened_on=D(2023, 4, 2))
    case_close(case=case, reason="returned_home", acting_user=alice, closed_on=D(2023, 6, 29))
    q1, q2 = figures(Q1), figures(Q2)
    assert q1["cases_opened_persons"].men == 1
    assert q2["cases_opened_persons"].total == 0
    assert q1["cases_closed_persons"].by_closure_reason == {"referred_elsewhere": 1}
    assert q2["cases_closed_persons"].by_closure_reason == {"returned_home": 1}
    assert q1["case_closure_median_days"].median == 30.0
    assert q2["case_closure_median_days"].median == 120.0


def test_erasing_a_person_leaves_the_case_figures_as_they_were(partner_a, person):
    # 18 on 20 April 2023: pseudonymised, the birth date becomes 1 July 2005, which would
    # make the girl of the opening a girl still, and the woman of the closure a girl.
    someone = person(sex="F", date_of_birth=D(2005, 4, 20))
    make_case(someone, partner_a, D(2023, 4, 2), ("closed", D(2023, 5, 2), "goals_met"))
    before = figures()
    beneficiary_pseudonymise(beneficiary=someone, reason="retention", acting_user=SYSTEM)
    someone.refresh_from_db()
    assert someone.date_of_birth is None
    after = figures()
    for code in CODES:
        assert after[code].as_json() == before[code].as_json(), code
    assert after["cases_closed_persons"].women == 1
    assert after["cases_opened_persons"].girls == 1


def test_bilan_json_shape_of_the_case_indicators(project, partner_a, person):
    someone = person(sex="F", date_of_birth=D(1990, 1, 1))
    AssistanceFactory(beneficiary=someone, project=project, delivered_on=D(2023, 4, 5))
    make_case(someone, partner_a, D(2023, 4, 1), ("closed", D(2023, 4, 21), "goals_met"))
    data = bilan(project, Q2)
    assert list(data["indicators"])[-3:] == list(CODES)
    opened = data["indicators"]["cases_opened_persons"]
    assert opened["unit"] == "persons"
    assert "median" not in opened and "by_closure_reason" not in opened
    closed = data["indicators"]["cases_closed_persons"]
    assert closed["by_closure_reason"] == {"goals_met": 1}
    days = data["indicators"]["case_closure_median_days"]
    assert days == {
        "unit": "days", "median": 20.0, "total": 1, "women": 1, "girls": 0, "men": 0,
        "boys": 0, "unknown": 0,
        "by_age_band": {"0-4": 0, "5-11": 0, "12-17": 0, "18-24": 0, "25-59": 1, "60+": 0,
                        "unknown": 0},
    }  # fmt: skip
    for code, entry in data["indicators"].items():
        assert entry["unit"] in ("persons", "services", "days"), code
        total = entry["total"]
        assert sum(entry[k] for k in CELLS[1:]) == total == sum(entry["by_age_band"].values())


def test_small_cells_hide_the_closure_reasons_and_a_median_of_fewer_than_k_closures(
    project, partner_a, person
):
    for i in range(3):
        someone = person(sex="F", date_of_birth=D(1990, 1, 1))
        AssistanceFactory(beneficiary=someone, project=project, delivered_on=D(2023, 4, 5))
        reason = "goals_met" if i else "deceased"
        make_case(someone, partner_a, D(2023, 4, 1), ("closed", D(2023, 4, 10 + i), reason))
    data = suppress_bilan(bilan(project, Q2), 5)
    closed = data["indicators"]["cases_closed_persons"]
    assert closed["by_closure_reason"] == {"deceased": "<5", "goals_met": "<5"}
    assert data["indicators"]["case_closure_median_days"]["median"] == "x"
    # With enough closures the median is published.
    assert (
        suppress_bilan(bilan(project, Q2), 3)["indicators"]["case_closure_median_days"]["median"]
        == 10.0
    )


def test_the_whole_catalogue_costs_one_statement_more_with_case_indicators(
    django_assert_num_queries,
):
    indicators = list(Indicator.objects.active())
    with django_assert_num_queries(2):
        compute(Scope(), Q2, indicators)
    with django_assert_num_queries(1):
        compute(Scope(), Q2, [i for i in indicators if not i.counts_cases])
    with django_assert_num_queries(1):
        compute(Scope(), Q2, [i for i in indicators if i.counts_cases])


def test_grouped_by_provider_and_month(partner_a, partner_b, person):
    someone = person()
    make_case(someone, partner_a, D(2023, 4, 1))
    make_case(someone, partner_b, D(2023, 5, 1))
    by_provider = compute(Scope(), Q2, Indicator.objects.filter(code__in=CODES),
                          group_by="provider")  # fmt: skip
    assert by_provider[partner_a.pk]["cases_opened_persons"].total == 1
    assert by_provider[partner_b.pk]["cases_opened_persons"].total == 1
    by_month = compute(Scope(), Q2, Indicator.objects.filter(code__in=CODES), group_by="month")
    assert by_month[D(2023, 5, 1)]["cases_opened_persons"].total == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"source": "case_openings", "unit": "days"}, "unit"),
        ({"source": "case_openings", "unit": "services"}, "unit"),
        ({"source": "assistances", "unit": "days"}, "unit"),
        ({"source": "case_closures", "unit": "persons", "categories": ["medical"]}, "categories"),
        ({"source": "case_closures", "unit": "persons", "by_country": True}, "by_country"),
        ({"source": "case_openings", "unit": "persons", "by_closure_reason": True},
         "by_closure_reason"),
        ({"source": "case_closures", "unit": "days", "by_closure_reason": True},
         "by_closure_reason"),
    ],
)  # fmt: skip
def test_the_catalogue_refuses_what_the_engine_cannot_count(fields, field):
    indicator = Indicator(code="x", label_fr="x", label_en="x", label_ar="x", **fields)
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert field in caught.value.message_dict


# --- where they are shown: the dashboard, its drill-down and exports ---------------------------


@pytest.fixture
def case_world(project, partner_a, person):
    """Two people of the project with a case of partner_a closed in Q2 after 10 and 31 days."""
    for sex, days, reason in (("F", 10, "goals_met"), ("M", 31, "lost_contact")):
        someone = person(sex=sex, date_of_birth=D(1990, 1, 1))
        AssistanceFactory(beneficiary=someone, project=project, delivered_on=D(2023, 4, 5))
        opened = D(2023, 4, 1)
        make_case(someone, partner_a, opened,
                  ("closed", opened + datetime.timedelta(days=days), reason))  # fmt: skip
    return project


QUERY = {"project": "JPN-PROT", "period": "2023-Q2"}


def test_dashboard_shows_the_case_indicators_without_drilldown_links(
    client, officer, case_world, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        response = client.get("/rapports/", QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Personnes dont un dossier de suivi a été ouvert" in body
    assert "Médiane : 20,5 jours" in body
    assert "Objectifs atteints : 1" in body and "Contact perdu : 1" in body
    assert "indicator=cases_opened_persons" not in body
    assert "indicator=case_closure_median_days" not in body
    assert "indicator=medical_persons" in body  # assistance indicators keep theirs


def test_drilldown_of_a_case_indicator_is_a_bad_link(client, officer, case_world):
    client.force_login(officer)
    response = client.get("/rapports/assistances/", {**QUERY, "indicator": "cases_opened_persons"})
    assert response.status_code == 400


def test_csv_export_has_the_median_column(client, officer, case_world):
    client.force_login(officer)
    response = client.get("/rapports/indicateurs.csv", QUERY)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = rows[0].index("Médiane (jours)")
    assert rows[1][column] == "#indicator+value+median"
    by_code = {row[4]: row for row in rows[2:]}
    assert by_code["case_closure_median_days"][column] == "20.5"
    assert by_code["case_closure_median_days"][rows[0].index("Total")] == "2"
    assert by_code["medical_persons"][column] == ""


def test_several_projects_keep_the_rule_of_each(project, partner_a, person):
    """`Scope.project_ids`: a case counts when its organisation implements one of the
    projects under which the person was assisted, as for a single project; not when the
    organisation implements one project and the person was assisted under another."""
    from tests.partners.factories import ProjectFactory

    outsider = OrganisationFactory(slug="other-implementer")
    other_project = ProjectFactory(code="OTHER", partners=[outsider])
    served, other, mixed = person(), person(), person()
    AssistanceFactory(beneficiary=served, project=project, delivered_on=D(2023, 4, 5))
    AssistanceFactory(beneficiary=other, project=other_project, delivered_on=D(2023, 4, 5))
    AssistanceFactory(beneficiary=mixed, project=project, delivered_on=D(2023, 4, 5))
    make_case(served, partner_a, D(2023, 5, 1))
    make_case(other, outsider, D(2023, 5, 1))
    make_case(mixed, outsider, D(2023, 5, 1))  # outsider does not implement `project`
    both = (project.pk, other_project.pk)
    assert figures(project_ids=both)["cases_opened_persons"].total == 2
    for one in both:
        assert cells(figures(project_ids=(one,))["cases_opened_persons"]) == cells(
            figures(project_id=one)["cases_opened_persons"]
        )
    assert figures(project_ids=())["cases_opened_persons"].total == 0
