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
