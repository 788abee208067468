"""Women / girls / men / boys: how a person is classified for every count (DESIGN.md §3).

The one Python copy of the rule, kept at the lowest layer that knows a person's sex and age.
It is used by the reporting engine (to fold its grouped counts into the published cells) and
by the headcounts of a group activity; the drill-down's SQL states the same rule in SQL
(`reporting.selectors`), and the property tests hold the engine to it.
"""

from __future__ import annotations

from beneficiaries.choices import ADULT_AGE

# The five cells every indicator and every breakdown publishes, in the order they are shown;
# they always add up to the total.
SEX_CLASSES = ("women", "girls", "men", "boys", "unknown")


def sex_class(sex: str | None, age: int | None) -> str:
    """women / girls / men / boys (F or M, adult or minor: age < ADULT_AGE), else unknown.

    `age` is whole years at the reference date (`beneficiaries.models.age_on`). A person is
    `unknown` when the sex is not F or M, or the age is unknown; a negative age (an estimated
    birth date, 1 July of the birth year, after the reference date) is an unknown age too, as
    the engine's SQL computes it (`reporting.engine.age_sql`).
    """
    if age is None or age < 0 or sex not in ("F", "M"):
        return "unknown"
    minor = age < ADULT_AGE
    if sex == "F":
        return "girls" if minor else "women"
    return "boys" if minor else "men"
