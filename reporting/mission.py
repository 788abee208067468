"""The mission's bilan (DESIGN.md §9): every assistance of every project and of none.

The figures are the project bilan's (`reporting.engine`), computed by the same statement
without the project filter (`Scope()`), so a person is counted once across projects and
partners. Two additions:

- `by_axis`: for each thematic axis, the persons of the axis (a person counts once if any of
  their rows qualifies for any indicator of the axis's sub-themes), the same for each
  sub-theme, and the entries of the sub-themes' indicators. The axis and sub-theme persons are
  `engine.AnyOf` figures: counted in the SAME pass as the catalogue, with the same first-row
  rule for age.
- `by_city`: the persons reached by city, each person at the city of their first assistance
  in the period (earliest date, then lowest id: the same row that gives their age), so the
  cities add up to the persons reached; counted in the same pass too (`AnyOf.by_city`).

Queries: the catalogue and the axes (2), the engine's statement (1, plus 1 when case
indicators are active), the codes of the cities (1), the capacity-building events (1).
"""

from __future__ import annotations

from capacity.selectors import capacity_figures
from frameworks.models import Axis, SubTheme
from partners.models import City
from reporting import engine
from reporting.engine import AnyOf, Scope
from reporting.models import Indicator
from reporting.periods import Period

UNKNOWN_CITY = "unknown"


def axis_figures(indicators: list[Indicator]) -> tuple[list[AnyOf], dict]:
    """The `AnyOf` figures for the active axes and sub-themes, and the layout
    {axis code: {sub-theme code: [indicator codes]}} in the code lists' order."""
    by_theme: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.sub_theme_id is not None and not indicator.counts_cases:
            by_theme.setdefault(indicator.sub_theme_id, []).append(indicator)
    themes = SubTheme.objects.filter(is_active=True, axis__is_active=True).select_related("axis")
    layout: dict[str, dict[str, list[str]]] = {
        axis.code: {} for axis in Axis.objects.filter(is_active=True)
    }
    members: dict[str, list[Indicator]] = {code: [] for code in layout}
    figures: list[AnyOf] = []
    for theme in themes:
        own = by_theme.get(theme.pk, [])
        layout[theme.axis.code][theme.code] = [i.code for i in own]
        members[theme.axis.code] += own
        figures.append(AnyOf(code=f"sub_theme:{theme.code}", members=tuple(own)))
    figures += [AnyOf(code=f"axis:{code}", members=tuple(own)) for code, own in members.items()]
    return figures, layout


def by_city_codes(by_city: dict[int | None, dict[str, int]]) -> dict[str, dict[str, int]]:
    """An `IndicatorResult.by_city` (city id → counts by sex) keyed by city code, in code
    order, `UNKNOWN_CITY` last for the rows without a city."""
    codes = dict(City.objects.filter(pk__in=[c for c in by_city if c]).values_list("pk", "code"))
    named = {codes[c]: cell for c, cell in by_city.items() if c is not None}
    cities = dict(sorted(named.items()))
    if None in by_city:
        cities[UNKNOWN_CITY] = by_city[None]
    return cities


def mission_bilan(period: Period, *, indicators=None, population: str = "all") -> dict:
    """The mission bilan of `period` as the JSON-ready dict of DESIGN.md §9::

        {"scope": "mission", "start": "2022-01-01", "end": "2022-12-31",
         "indicators": {code: entry, …},                 # as a project bilan's (§4)
         "by_city": {"casablanca": {"F": 3, "M": 2, "unknown": 0}, …, "unknown": {…}},
         "by_axis": {"protection": {
             "persons": entry,                            # distinct persons of the axis
             "indicators": {code: entry, …},              # its sub-themes' indicators
             "sub_themes": {"medical": {"persons": entry, "indicators": [codes]}, …}}, …},
         "capacity_building": {"events": 3, …}}          # professionals, never persons

    Small cells are not hidden here (the mission bilan is for IOM staff only).
    """
    indicators = list(Indicator.objects.active() if indicators is None else indicators)
    figures, layout = axis_figures(indicators)
    # Persons reached (any delivered assistance), by the city of their first row.
    reached = AnyOf(code="mission:reached", members=(Indicator(code="reached"),), by_city=True)
    results = engine.compute(Scope(population=population), period, [*indicators, *figures, reached])
    entries = {code: result.as_json() for code, result in results.items()}
    by_axis = {}
    for axis, themes in layout.items():
        by_axis[axis] = {
            "persons": entries[f"axis:{axis}"],
            "indicators": {code: entries[code] for codes in themes.values() for code in codes},
            "sub_themes": {
                theme: {"persons": entries[f"sub_theme:{theme}"], "indicators": codes}
                for theme, codes in themes.items()
            },
        }
    return {
        "scope": "mission",
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "indicators": {i.code: entries[i.code] for i in indicators},
        "by_city": by_city_codes(results[reached.code].by_city),
        "by_axis": by_axis,
        # Professionals trained, apart from the persons assisted (capacity app).
        "capacity_building": capacity_figures(period=period),
    }
