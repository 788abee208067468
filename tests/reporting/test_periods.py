import datetime

import pytest
from django.core.exceptions import ValidationError

from reporting.periods import Period, parse_period, period_between

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023-Q1", D(2023, 1, 1), D(2023, 3, 31)),
        ("2023-Q2", D(2023, 4, 1), D(2023, 6, 30)),
        ("2024-q4", D(2024, 10, 1), D(2024, 12, 31)),
        ("2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_parse_period(text, start, end):
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize("text", ["2023-Q5", "23", "2023-13", "", "Q2-2023"])
def test_bad_periods_are_refused_in_french(text):
    with pytest.raises(ValidationError, match="Période invalide"):
        parse_period(text)


def test_period_between_checks_order_and_format():
    assert period_between("2023-05-01", "2023-09-30").end == D(2023, 9, 30)
    with pytest.raises(ValidationError):
        period_between("2023-09-30", "2023-05-01")
    with pytest.raises(ValidationError):
        period_between("30/09/2023", "2023-10-01")


def test_months():
    assert Period(D(2023, 11, 15), D(2024, 1, 2)).months() == [
        D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1)
    ]  # fmt: skip
