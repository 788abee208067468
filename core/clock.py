"""The current moment and today's date, read in one place so tests can set them.

Dates are Moroccan (`settings.TIME_ZONE`, Africa/Casablanca): at 23:30 UTC on 31 May it is
already 1 June in Casablanca, and that is the month a dashboard's series stops at. Tests freeze
the clock with the `frozen_clock` fixture of `tests/conftest.py`, which replaces `now`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current moment, timezone-aware."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in the project's time zone (Africa/Casablanca), from `now()`."""
    return timezone.localdate(now())


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The date `count` working days (Monday to Friday) after `day`: 5 working days after a
    Thursday is the next Thursday, after a Saturday the next Friday. Public holidays are not
    known here and count as working days."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return day
    # Counting from a Saturday or a Sunday is counting from the Friday before.
    start = day - datetime.timedelta(days=max(day.weekday() - 4, 0))
    weeks, rest = divmod(count, 5)
    result = start + datetime.timedelta(weeks=weeks)
    while rest:
        result += datetime.timedelta(days=1)
        if result.weekday() < 5:
            rest -= 1
    return result
