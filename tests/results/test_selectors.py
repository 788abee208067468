"""Achieved against target: the engine's figures in each target's cut, computed by hand here."""

import datetime

from partners.access import actor_for
from reporting.periods import Period
from results.selectors import default_period, frozen_targets, percent, progress
from tests.partners.factories import city
from tests.results.factories import ExpectedResultFactory, TargetFactory, indicator

D = datetime.date
YEAR = Period(D(2023, 1, 1), D(2023, 12, 31))


def test_achieved_is_the_indicators_figure_in_each_cut(
    project, partner_a, partner_b, officer, deliveries, django_assert_max_num_queries
):
    result = ExpectedResultFactory(project=project)
    whole = TargetFactory(result=result, baseline=3, target_total=8, target_female=5, target_male=3)
    services = TargetFactory(
        result=result, indicator=indicator("assistances_delivered"), target_total=10
    )
    of_a = TargetFactory(result=result, organisation=partner_a, target_total=6)
    of_a_services = TargetFactory(
        result=result,
        organisation=partner_a,
        indicator=indicator("assistances_delivered"),
        target_total=4,
    )
    in_casa = TargetFactory(result=result, city=city("casablanca"), target_total=2)
    of_b_in_oujda = TargetFactory(
        result=result, organisation=partner_b, city=city("oujda"), target_total=1
    )

    # Queries: the results, their targets, then one statement per (partner, city) cut: four
    # cuts (whole project, partner A, Casablanca, partner B in Oujda), not six targets. (The
    # viewer's membership is read once per request, before.)
    actor_for(officer)
    with django_assert_max_num_queries(2 + 4):
        groups = progress(project, YEAR, user=officer)
    rows = {row.target.pk: row for row in groups[0].targets}

    assert rows[whole.pk].achieved == 4  # persons: 2 women, 1 man, 1 girl (baseline not deducted)
    assert (rows[whole.pk].achieved_female, rows[whole.pk].achieved_male) == (3, 1)
    assert rows[whole.pk].percent == 50
    assert (rows[whole.pk].percent_female, rows[whole.pk].percent_male) == (60, 33)
    assert rows[services.pk].achieved == 5  # services in 2023: 4 by A, 1 by B
    assert rows[services.pk].achieved_female is None  # not split by sex
    assert rows[of_a.pk].achieved == 3
    assert rows[of_a_services.pk].achieved == 4
    assert rows[of_a_services.pk].percent == 100
    assert rows[in_casa.pk].achieved == 1
    assert rows[of_b_in_oujda.pk].achieved == 0


def test_default_period_runs_from_the_start_to_today_or_the_end(project, frozen_clock):
    frozen_clock(datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC))
    assert default_period(project) == Period(project.start, D(2024, 3, 5))
    frozen_clock(datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC))
    assert default_period(project) == Period(project.start, project.end)


def test_progress_is_empty_out_of_scope(project, outsider, deliveries):
    TargetFactory(result=ExpectedResultFactory(project=project))
    assert progress(project, YEAR, user=outsider) == []


def test_percent_passes_100_and_is_none_without_a_target():
    assert percent(15, 10) == 150
    assert percent(3, None) is None
    assert percent("<5", 10) is None


def test_frozen_targets_hide_small_achieved_counts(project, partner_a, deliveries):
    result = ExpectedResultFactory(project=project)
    TargetFactory(result=result, target_total=8)
    TargetFactory(result=result, organisation=partner_a, target_total=6, target_female=3)
    frozen = frozen_targets(project, YEAR, k=5)
    assert [(t["organisation"], t["achieved"]) for t in frozen] == [
        (None, "<5"),
        (partner_a.name, "<5"),
    ]
    assert frozen[1]["target_female"] == 3
    raw = frozen_targets(project, YEAR, k=0)
    assert [t["achieved"] for t in raw] == [4, 3]
    # A partner's cut of the bilan keeps only that partner's targets.
    assert [t["target"] for t in frozen_targets(project, YEAR, organisation=partner_a)] == [6]
