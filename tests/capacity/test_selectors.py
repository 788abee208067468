"""capacity_figures: events by kind, participants by institution × sex, hand-computed."""

import datetime

import pytest

from capacity.selectors import capacity_figures
from reporting.periods import Period
from tests.capacity.factories import CapacityEventFactory
from tests.partners.factories import city

Q2 = Period(datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))


@pytest.fixture
def events(partner_a, partner_b, project):
    from frameworks.models import SubTheme

    theme = SubTheme.objects.order_by("pk").first()
    return {
        # In Q2, the project's, partner A's, in Oujda: 3 F + 2 M gov, 1 unknown other.
        "a": CapacityEventFactory(
            organisation=partner_a,
            project=project,
            start=datetime.date(2023, 4, 1),  # the first day counts
            government_f=3,
            government_m=2,
            other_unknown=1,
            sub_theme=theme,
        ),
        # In Q2 (started on the last day, ends after), partner B's, in Rabat, a workshop.
        "b": CapacityEventFactory(
            organisation=partner_b,
            project=project,
            kind="workshop",
            city=city("rabat"),
            start=datetime.date(2023, 6, 30),
            end=datetime.date(2023, 7, 2),
            government_f=0,
            health_staff_f=4,
            iom_m=1,
        ),
        # Out of Q2 (started before, ends in it).
        "before": CapacityEventFactory(
            organisation=partner_a,
            project=project,
            start=datetime.date(2023, 3, 31),
            end=datetime.date(2023, 4, 2),
            government_f=50,
        ),
        # In Q2, no project.
        "none": CapacityEventFactory(
            organisation=partner_a,
            kind="coordination",
            start=datetime.date(2023, 5, 5),
            government_f=0,
            iom_f=7,
        ),
    }


def test_the_project_figures_of_a_quarter(events, project, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = capacity_figures(period=Q2, project=project)
    assert figures == {
        "events": 2,
        "by_kind": {"training": 1, "workshop": 1, "coordination": 0},
        "participants": {"total": 11, "F": 7, "M": 3, "unknown": 1},
        "by_institution": {
            "government": {"F": 3, "M": 2, "unknown": 0, "total": 5},
            "civil_society": {"F": 0, "M": 0, "unknown": 0, "total": 0},
            "health_staff": {"F": 4, "M": 0, "unknown": 0, "total": 4},
            "iom": {"F": 0, "M": 1, "unknown": 0, "total": 1},
            "other": {"F": 0, "M": 0, "unknown": 1, "total": 1},
        },
    }


def test_cuts_by_organisation_city_and_sub_theme(events, project, partner_a):
    assert capacity_figures(period=Q2, project=project, organisation=partner_a)["participants"] == {
        "total": 6,
        "F": 3,
        "M": 2,
        "unknown": 1,
    }
    assert capacity_figures(period=Q2, city=city("rabat"))["events"] == 1
    assert capacity_figures(period=Q2, region=city("rabat").region)["events"] == 1
    themed = capacity_figures(period=Q2, sub_theme_ids=[events["a"].sub_theme_id])
    assert themed["events"] == 1 and themed["participants"]["total"] == 6


def test_the_mission_figures_take_every_event_of_the_period(events):
    figures = capacity_figures(period=Q2)
    assert figures["events"] == 3
    assert figures["by_kind"] == {"training": 1, "workshop": 1, "coordination": 1}
    assert figures["participants"]["total"] == 18
    total = figures["participants"]
    assert total["total"] == total["F"] + total["M"] + total["unknown"]
    assert sum(cell["total"] for cell in figures["by_institution"].values()) == total["total"]


def test_no_event_gives_zeros(db):
    figures = capacity_figures(period=Q2)
    assert figures["events"] == 0 and figures["participants"]["total"] == 0
    assert set(figures["by_institution"]) == {
        "government", "civil_society", "health_staff", "iom", "other"
    }  # fmt: skip
