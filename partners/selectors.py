"""Reads of the partners app that are more than a one-liner: whether a project's period is
open for writing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partners.models import ClosedPeriod


def assert_period_open(project, day: datetime.date | None) -> None:
    """Refuse a write to an assistance of `project` dated `day` inside a closed period.

    Called by the assistance services before creating, correcting or cancelling a row (and
    for a correction, with both the old and the new project and date). No project or no
    date: nothing to check.
    """
    project_id = getattr(project, "pk", project)
    if project_id is None or day is None:
        return
    closed = ClosedPeriod.objects.covering(project_id, day).first()
    if closed is not None:
        raise ValidationError(
            {
                "delivered_on": _(
                    "La période du %(start)s au %(end)s de ce projet est clôturée : une "
                    "assistance datée du %(day)s ne peut plus être enregistrée, modifiée ni "
                    "annulée. Demandez à l'OIM de rouvrir la période."
                )
                % {
                    "start": closed.start.strftime("%d/%m/%Y"),
                    "end": closed.end.strftime("%d/%m/%Y"),
                    "day": day.strftime("%d/%m/%Y"),
                }
            }
        )


def assert_periods_open(rows) -> None:
    """`assert_period_open` for a batch of (project id, day) pairs, in one query."""
    rows = [(getattr(p, "pk", p), day) for p, day in rows if p is not None and day is not None]
    if not rows:
        return
    closed: dict[int, list[ClosedPeriod]] = {}
    for period in ClosedPeriod.objects.in_force().filter(
        project_id__in={project_id for project_id, _day in rows}
    ):
        closed.setdefault(period.project_id, []).append(period)
    if not closed:
        return
    for project_id, day in rows:
        if any(p.start <= day <= p.end for p in closed.get(project_id, ())):
            assert_period_open(project_id, day)
