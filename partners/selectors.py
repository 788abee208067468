"""Reads of the partners app that are more than a one-liner: whether a project's period is
open for writing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partners.models import ClosedPeriod


def closed_period_message(periods: Iterable[ClosedPeriod], day: datetime.date) -> str | None:
    """Why nothing dated `day` may be written in a project whose closed periods in force are
    `periods` (None when the day is open): the one statement of the rule, for the one-row
    check below and for the assistance rules layer, which preloads the periods of a batch."""
    closed = next((period for period in periods if period.start <= day <= period.end), None)
    if closed is None:
        return None
    return _(
        "La période du %(start)s au %(end)s de ce projet est clôturée : une "
        "assistance datée du %(day)s ne peut plus être enregistrée, modifiée ni "
        "annulée. Demandez à l'OIM de rouvrir la période."
    ) % {
        "start": closed.start.strftime("%d/%m/%Y"),
        "end": closed.end.strftime("%d/%m/%Y"),
        "day": day.strftime("%d/%m/%Y"),
    }


def assert_period_open(project, day: datetime.date | None) -> None:
    """Refuse a write to an assistance of `project` dated `day` inside a closed period.

    For the writes of one row outside the assistance rules layer (a referral's outcome copied
    onto its assistance). No project or no date: nothing to check.
    """
    project_id = getattr(project, "pk", project)
    if project_id is None or day is None:
        return
    message = closed_period_message(ClosedPeriod.objects.covering(project_id, day), day)
    if message is not None:
        raise ValidationError({"delivered_on": message})
