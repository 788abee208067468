"""Reads of capacity building: the figures the bilans publish.

`capacity_figures` is what the project bilan (`reporting.engine.bilan`, key
"capacity_building") and the mission bilan add to their JSON: events by kind and participants
by institution × sex, in one aggregate query. Participants are counted per event (a person at
two trainings counts twice: the events record headcounts, not persons), and never among the
persons assisted.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from capacity.choices import SEX_KEYS, EventKind, Institution, count_field
from capacity.models import CapacityEvent


def _pk(value):
    return getattr(value, "pk", value)


def events_in(
    *, period, project=None, organisation=None, city=None, region=None, sub_theme_ids=None
):
    """The events whose (start) date falls in `period` (anything with `start` and `end`,
    bounds inclusive), cut like a bilan. Not scoped to a user: the bilans' callers are."""
    events = CapacityEvent.objects.filter(start__gte=period.start, start__lte=period.end)
    if project is not None:
        events = events.filter(project_id=_pk(project))
    if organisation is not None:
        events = events.filter(organisation_id=_pk(organisation))
    if city is not None:
        events = events.filter(city_id=_pk(city))
    if region is not None:
        events = events.filter(city__region_id=_pk(region))
    if sub_theme_ids is not None:
        events = events.filter(sub_theme_id__in=list(sub_theme_ids))
    return events


def capacity_figures(
    *, period, project=None, organisation=None, city=None, region=None, sub_theme_ids=None
) -> dict:
    """The JSON-ready figures of the events of `period` (see `events_in` for the cuts)::

        {"events": 3, "by_kind": {"training": 2, "workshop": 1, "coordination": 0},
         "participants": {"total": 40, "F": 22, "M": 17, "unknown": 1},
         "by_institution": {"government": {"F": 5, "M": 4, "unknown": 0, "total": 9}, …}}

    total == F + M + unknown, and the institutions add up to the total. One query.
    """
    events = events_in(
        period=period,
        project=project,
        organisation=organisation,
        city=city,
        region=region,
        sub_theme_ids=sub_theme_ids,
    )
    aggregates = {"events": Count("pk")}
    for kind in EventKind.values:
        aggregates[f"kind_{kind}"] = Count("pk", filter=Q(kind=kind))
    for institution in Institution.values:
        for sex in SEX_KEYS:
            name = count_field(institution, sex)
            aggregates[name] = Coalesce(Sum(name), 0)
    row = events.aggregate(**aggregates)
    by_institution = {}
    for institution in Institution.values:
        cell = {sex: row[count_field(institution, sex)] for sex in SEX_KEYS}
        cell["total"] = sum(cell.values())
        by_institution[institution] = cell
    participants = {sex: sum(by_institution[i][sex] for i in by_institution) for sex in SEX_KEYS}
    return {
        "events": row["events"],
        "by_kind": {kind: row[f"kind_{kind}"] for kind in EventKind.values},
        "participants": {"total": sum(participants.values()), **participants},
        "by_institution": by_institution,
    }
