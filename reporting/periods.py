"""Reporting periods: any inclusive date range, `YYYY-Qn` for a quarter, `YYYY` for a year."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """An inclusive date range."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValidationError(_("La fin de la période précède son début."))

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def months(self, *, until: datetime.date | None = None) -> list[datetime.date]:
        """First day of every calendar month the period touches, in order; with `until`
        (today), none after the month of that day: a month not begun has no figures yet."""
        last = self.end if until is None else min(self.end, until)
        months, day = [], self.start.replace(day=1)
        while day <= last:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months


def parse_period(text: str) -> Period:
    """`2023-Q2` → 1 April–30 June 2023; `2023` → the calendar year; `2023-05` → May 2023.

    Raises ValidationError (with a French message) on anything else.
    """
    text = (text or "").strip()
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start = datetime.date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
        return Period(start, _month_end(year, end_month))
    if match := _YEAR.match(text):
        year = int(match[1])
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        return Period(datetime.date(year, month, 1), _month_end(year, month))
    raise ValidationError(
        _("Période invalide « %(text)s » : attendu AAAA, AAAA-Tn (ex. 2023-Q2) ou AAAA-MM.")
        % {"text": text}
    )


def is_calendar_quarter(period: Period) -> bool:
    """1 January–31 March, 1 April–30 June, 1 July–30 September or 1 October–31 December."""
    start = period.start
    return (
        start.day == 1
        and start.month in (1, 4, 7, 10)
        and period.end == _month_end(start.year, start.month + 2)
    )


def is_calendar_year(period: Period) -> bool:
    year = period.start.year
    return period == Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def period_between(start: str | datetime.date, end: str | datetime.date) -> Period:
    """A period from two ISO dates (strings or dates), bounds inclusive."""
    return Period(_date(start, _("début")), _date(end, _("fin")))


def _date(value, name) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            _("Date de %(name)s invalide « %(value)s » : attendu AAAA-MM-JJ.")
            % {"name": name, "value": value}
        ) from None


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)
