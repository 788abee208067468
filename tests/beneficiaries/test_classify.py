"""The one women/girls/men/boys rule (DESIGN.md §3), shared by the engine and the headcounts."""

import pytest

from beneficiaries.classify import SEX_CLASSES, sex_class


@pytest.mark.parametrize(
    ("sex", "age", "expected"),
    [
        ("F", 17, "girls"),
        ("F", 18, "women"),
        ("M", 0, "boys"),
        ("M", 18, "men"),
        ("M", 90, "men"),
        ("U", 30, "unknown"),
        ("", 30, "unknown"),
        (None, 30, "unknown"),
        ("F", None, "unknown"),
        ("M", -1, "unknown"),  # born (estimated: 1 July) after the reference date
    ],
)
def test_sex_class(sex, age, expected):
    assert sex_class(sex, age) == expected
    assert expected in SEX_CLASSES
