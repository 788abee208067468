"""The indicator engine: DESIGN.md section 3, computed by PostgreSQL in a fixed number of queries.

Public functions (used by the bilan command and API, the dashboard, exports and the PDF bilan):

- `compute(scope, period, indicators=None, group_by=None)` → `{code: IndicatorResult}` (or,
  with `group_by`, `{group value: {code: IndicatorResult}}`). At most two queries: the
  active catalogue (skipped when `indicators` is given) and ONE statement computing every
  indicator (services and persons), whatever the number of indicators; plus ONE statement
  for the case indicators (`reporting.case_engine`: case openings and closures, read from
  the case transitions, not the fact table) when any is asked for.
- `bilan(project, period, organisation=None, ...)` → the JSON-ready dict of DESIGN.md §4.
- `mission_bilan(period)` → the mission's (DESIGN.md §9; built in `reporting.mission`).
- `IndicatorResult.as_json()` → one indicator's entry of that dict.
- For the drill-down (`reporting.selectors.assistances_behind`), which lists the rows behind
  one figure with the engine's own rules: `rows_in_scope_sql` (the facts in a scope, and
  whether each qualifies for an indicator) and `age_sql` (a row's age, in SQL).

How the counting is done (so an auditor can follow it):

- The engine reads `reporting_fact` (`reporting.models.Fact`): one row per `delivered`
  assistance, kept equal to the assistance table by database triggers. Rows with
  `delivered_on` inside the inclusive period and inside the scope (project, providing
  organisation, city or region of the assistance, population of the person) qualify; an
  indicator's category/subtype/outcome lists (empty = any) filter them.
- A person is `COALESCE(merged_into_id, id)`: a merged duplicate counts as the record it was
  merged into, whose sex and age are used, even if some rows were left on the duplicate.
- Age is whole years between the birth date (or 1 July of the estimated birth year) and the
  reference date, computed in SQL as `(yyyymmdd(ref) - yyyymmdd(born)) / 10000`; unknown
  when neither is recorded (or, defensively, when the birth date is after the reference date).
- `services`: one row = one count, classified by age on its `delivered_on`.
- `persons`: per person, the first qualifying row in the period (earliest date, then lowest
  id) gives the age used for the person; `by_country` uses that row's country, so the
  country breakdown sums to the total; `by_subtype` counts a person once under every subtype
  received in the period (so it may sum to more than the total).
- Sex `F`/`M` with a known age gives women/girls/men/boys (minor: age < 18); anything else is
  `unknown` (`beneficiaries.classify.sex_class`). The engine returns grouped counts (a few
  thousand rows at most) that Python only folds into the published cells, so
  `women + girls + men + boys + unknown == total` holds by construction, and likewise for
  `by_age_band` and `by_country`.

Where each rule lives: the statement is built part by part, one function per part, in the
order a row goes through them (see "The statement, part by part" below):

    part         built by         DESIGN.md §3
    masks,lookup `_kind_masks`    which indicators a kind of row counts for (its lists)
    in_scope     `_in_scope`      the period and the scope
    classified   `_classified`    what a row is counted by: sex, age on its date, country
    firsts       `_firsts`        persons: each person's first qualifying row
    grouped      `_grouped`       the counting itself (a few thousand groups)
    spread       `_spread`        services count every row, persons their first row only
    fold         `_fold`          women/girls/men/boys/unknown and age bands (Python)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from assistance.choices import SUBTYPES
from beneficiaries.classify import SEX_CLASSES, sex_class
from partners.models import City
from reporting import case_engine
from reporting.models import AgeScheme, Fact, FactKind, Indicator, Unit, band_keys, band_of
from reporting.periods import Period

POPULATIONS = ("all", "migrant", "national")
GROUP_BY = {
    "provider": "f.provider_id",
    "city": "f.city_id",
    "month": "f.day_key / 100",  # yyyymm
}


@dataclass(frozen=True)
class Scope:
    """What a report is cut by (DESIGN.md §3 "Scope"). None means "no restriction".

    `organisation_id` is the providing organisation of the assistance; `city_id`/`region_id`
    the place where it was delivered; `population` is "all", "migrant" or "national".
    """

    project_id: int | None = None
    organisation_id: int | None = None
    city_id: int | None = None
    region_id: int | None = None
    population: str = "all"

    def __post_init__(self):
        if self.population not in POPULATIONS:
            raise ValueError(f"population must be one of {POPULATIONS}")


def _sex_key(sex: str | None) -> str:
    return sex if sex in ("F", "M") else "unknown"


@dataclass
class IndicatorResult:
    """The figures of one indicator for one scope and period.

    `by_country` maps ISO alpha-2 → {"F", "M", "unknown"} and is None unless the indicator
    has a country breakdown; `by_subtype` maps subtype → count, None unless asked for.
    """

    indicator: Indicator
    total: int = 0
    women: int = 0
    girls: int = 0
    men: int = 0
    boys: int = 0
    unknown: int = 0
    by_age_band: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, dict[str, int]] | None = None
    by_subtype: dict[str, int] | None = None
    # Case indicators (reporting.case_engine): closure reason → persons, when asked for; and
    # for the unit `days`, the median days from opening to closure (None: no closure).
    by_closure_reason: dict[str, int] | None = None
    median: float | None = None
    # City id (None: no city) → {"F", "M", "unknown"}: persons at the city of their first
    # row, for an `AnyOf` asking for it. Not part of an indicator's JSON entry.
    by_city: dict[int | None, dict[str, int]] | None = None
    # Age band → {"F", "M", "unknown"} (by sex): the age pyramid. Not part of the JSON.
    by_sex_age_band: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def empty(cls, indicator: Indicator) -> IndicatorResult:
        return cls(
            indicator=indicator,
            by_age_band=dict.fromkeys(band_keys(indicator.age_scheme), 0),
            by_sex_age_band={
                band: {"F": 0, "M": 0, "unknown": 0} for band in band_keys(indicator.age_scheme)
            },
            by_country={} if indicator.by_country else None,
            by_subtype={} if indicator.by_subtype else None,
            by_closure_reason={} if indicator.by_closure_reason else None,
            by_city={} if getattr(indicator, "by_city", False) else None,
        )

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def unit(self) -> str:
        return self.indicator.unit

    def _add(self, sex: str | None, age: int | None, count: int) -> None:
        self.total += count
        cls = sex_class(sex, age)
        setattr(self, cls, getattr(self, cls) + count)
        band = band_of(age, self.indicator.age_scheme)
        self.by_age_band[band] += count
        self.by_sex_age_band[band][_sex_key(sex)] += count

    def as_json(self) -> dict:
        """This indicator's entry of the bilan JSON (DESIGN.md §4)."""
        data = {"unit": self.unit}
        if self.unit == Unit.DAYS:
            # A value, not a count: `total` and the cells count the closures it is taken over.
            data["median"] = self.median
        data["total"] = self.total
        data.update({name: getattr(self, name) for name in SEX_CLASSES})
        data["by_age_band"] = dict(self.by_age_band)
        if self.by_country is not None:
            data["by_country"] = {c: dict(v) for c, v in sorted(self.by_country.items())}
        if self.by_subtype is not None:
            data["by_subtype"] = dict(sorted(self.by_subtype.items()))
        if self.by_closure_reason is not None:
            data["by_closure_reason"] = dict(sorted(self.by_closure_reason.items()))
        return data


# --- SQL: the shared pieces ---------------------------------------------------------------------
# The statements are assembled from table names, fixed expressions and numbered aliases only;
# every value (dates, ids, indicator filter codes) goes through query parameters.
#
# They read `reporting_fact` (see `reporting.models.Fact`): one narrow row per delivered
# assistance, already joined to the person it counts for, with integer yyyymmdd keys for the
# delivery date and the (estimated) birth date, so an age is integer arithmetic.

# Per statement: JIT compilation costs more than it saves on these one-pass aggregates, and
# the per-person window wants more than the default 4 MB to stay in memory. SET LOCAL ends
# with the statement's (implicit or enclosing) transaction.
_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; "

_F = Fact._meta.db_table
_K = FactKind._meta.db_table
_CITY = City._meta.db_table

# Indicators per bigint mask (bits 0..61: every literal stays a positive bigint).
_CHUNK = 62


def day_key(day: datetime.date) -> int:
    """`day` as the integer yyyymmdd the fact table stores."""
    return day.year * 10000 + day.month * 100 + day.day


def age_sql(ref: str, born: str) -> str:
    """SQL: whole years from the birth key `born` to the yyyymmdd key `ref` (two column
    expressions); NULL (unknown) when the birth is unknown or after `ref`.

    (20240315 - 20060316) / 10000 = 17: the day before an 18th birthday. The SQL twin of
    `beneficiaries.models.age_on`, so the drill-down and the engine age a row alike.
    """
    return f"CASE WHEN {ref} >= {born} THEN ({ref} - {born}) / 10000 END"


@dataclass(frozen=True)
class AnyOf:
    """A persons figure over several indicators: a person counts once if any of their rows
    qualifies for any of `members` (the persons of an axis or of a sub-theme, DESIGN.md §9).

    It stands where the statement expects an `Indicator` (same attributes), so it is counted
    by the same pass as the catalogue, at the person's first row qualifying for any member.
    Case indicators are not rows of the fact table: they never belong to one.
    """

    code: str
    members: tuple[Indicator, ...]
    unit: str = Unit.PERSONS
    age_scheme: str = AgeScheme.STANDARD
    by_country: bool = False
    by_subtype: bool = False
    by_closure_reason: bool = False
    counts_cases: bool = False
    # Persons by the city of their first row (`IndicatorResult.by_city`): the mission's
    # persons by city, counted in the same pass.
    by_city: bool = False

    def __post_init__(self):
        if any(member.counts_cases for member in self.members):
            raise ValueError("case indicators are not counted on assistances")
        if self.by_city and self.unit != Unit.PERSONS:
            raise ValueError("only persons are counted by the city of their first row")


def _qualifies(indicator: Indicator | AnyOf, params: list) -> str:
    """Whether a fact kind (alias `k`) qualifies for `indicator`: its category, subtype and
    outcome lists (an empty list accepts any); for `AnyOf`, any of its members'."""
    if isinstance(indicator, AnyOf):
        either = [f"({_qualifies(member, params)})" for member in indicator.members]
        return " OR ".join(either) or "FALSE"
    parts = []
    for column, values in (
        ("category", indicator.categories),
        ("subtype", indicator.subtypes),
        ("outcome", indicator.outcomes),
    ):
        if values:
            parts.append(f"k.{column} = ANY(%s)")
            params.append(list(values))
    return " AND ".join(parts) or "TRUE"


def _scope_conditions(scope: Scope, period: Period, params: list) -> str:
    """The conditions on a fact (alias `f`) of the period (bounds inclusive) and the scope
    (DESIGN.md §3 "Periods" and "Scope"). Only `delivered` rows are in the fact table at all,
    and each already counts for the record a merged duplicate was merged into."""
    conditions = ["f.day_key BETWEEN %s AND %s"]
    params.extend([day_key(period.start), day_key(period.end)])
    if scope.project_id is not None:
        conditions.append("f.project_id = %s")
        params.append(scope.project_id)
    if scope.organisation_id is not None:
        conditions.append("f.provider_id = %s")
        params.append(scope.organisation_id)
    if scope.city_id is not None:
        conditions.append("f.city_id = %s")
        params.append(scope.city_id)
    if scope.region_id is not None:
        conditions.append(f"f.city_id IN (SELECT id FROM {_CITY} WHERE region_id = %s)")  # noqa: S608
        params.append(scope.region_id)
    if scope.population != "all":
        conditions.append("f.is_migrant = %s")
        params.append(scope.population == "migrant")
    return " AND ".join(conditions)


def rows_in_scope_sql(indicator: Indicator, scope: Scope, period: Period) -> tuple[str, list]:
    """The facts of `scope` and `period` (one row per delivered assistance), each with a
    boolean `qualifies` for `indicator`: the drill-down's rows, as (sql, params).

    Columns: `person` (the record counted), `aid` (assistance id), `dk` (delivery day key),
    `subtype`, `country`, `sex`, `born` (birth day key), `qualifies`. The drill-down shows the
    rows of one figure, so it judges each row against the indicator's lists directly; the
    engine, which counts every indicator at once, decides per kind instead (`_kind_masks`).
    """
    params: list = []
    qualifies = _qualifies(indicator, params)
    where = _scope_conditions(scope, period, params)
    sql = (
        "SELECT f.person_id AS person, f.assistance_id AS aid, f.day_key AS dk, k.subtype, "  # noqa: S608
        f"f.country, f.sex, f.born_key AS born, ({qualifies}) AS qualifies "
        f"FROM {_F} f JOIN {_K} k ON k.id = f.kind_id WHERE {where}"
    )
    return sql, params


# --- SQL: the statement, part by part -----------------------------------------------------------
# `_statement` is one query whose parts follow a row through DESIGN.md §3 (the table in the
# module docstring says which rule each part holds):
#
#   WITH masks, lookup, in_scope, classified, firsts, grouped  SELECT … (spread)  → `_fold`
#
# Every part but `grouped` is read once, so PostgreSQL (12+) inlines it as the subquery it
# names: naming the parts changes nothing in the plan, which stays one index-only scan in
# the window's order, one window and two hash aggregates.


def _flags(indicators: Sequence[Indicator]) -> list[tuple[int, str | None]]:
    """The bits the statement tracks, as (indicator position, subtype): one per indicator
    (subtype None), plus one per (indicator, subtype) for the persons indicators counted by
    subtype, whose "first row" is then the person's first row OF THAT SUBTYPE."""
    flags: list[tuple[int, str | None]] = [(i, None) for i in range(len(indicators))]
    for i, ind in enumerate(indicators):
        if ind.unit == Unit.PERSONS and ind.by_subtype:
            categories = ind.categories or list(SUBTYPES)
            subtypes = ind.subtypes or [s for c in categories for s in SUBTYPES.get(c, ())]
            flags += [(i, s) for s in dict.fromkeys(subtypes)]
    return flags


def _kind_masks(
    indicators: Sequence[Indicator], flags: Sequence[tuple[int, str | None]], params: list
) -> tuple[str, list[str]]:
    """Parts `masks` and `lookup`: which flags each fact kind sets, decided once per kind (a
    few dozen rows) rather than once per row.

    Flag f is bit f % 62 of mask m<f // 62>. `masks` holds each kind's masks and `lookup`
    one array per mask indexed by kind id, so a row's mask is an array subscript. Returns
    the CTE text and the mask column names.
    """
    chunks = [flags[f : f + _CHUNK] for f in range(0, len(flags), _CHUNK)]
    names = [f"m{j}" for j in range(len(chunks))]
    columns = []
    for name, chunk in zip(names, chunks, strict=True):
        bits = []
        for b, (i, subtype) in enumerate(chunk):
            condition = _qualifies(indicators[i], params)
            if subtype is not None:
                condition += " AND k.subtype = %s"
                params.append(subtype)
            bits.append(f"CASE WHEN {condition} THEN {1 << b}::bigint ELSE 0::bigint END")
        columns.append(f"({' | '.join(bits)}) AS {name}")
    arrays = ", ".join(f"array_agg(COALESCE(masks.{n}, 0) ORDER BY g) AS {n}" for n in names)
    ctes = (
        f"masks AS (SELECT k.id, {', '.join(columns)} FROM {_K} k), "  # noqa: S608
        f"lookup AS (SELECT {arrays} FROM generate_series(1, "
        f"(SELECT COALESCE(max(id), 0) FROM {_K})) g LEFT JOIN masks ON masks.id = g)"
    )
    return ctes, names


def _in_scope(
    names: Sequence[str], keys: dict[str, str], scope: Scope, period: Period, params: list
) -> str:
    """Part `in_scope`: the facts of the period and the scope, each with its kind's masks
    (read from `lookup` by kind id) and the group keys `keys` (alias → expression on `f`).

    Facts only: no join, so a project's rows are one index-only scan of
    `reporting_fact_project`, already in (person, date, id) order for the window of `firsts`.
    """
    lookups = ", ".join(f"(SELECT {n} FROM lookup)[f.kind_id] AS {n}" for n in names)  # noqa: S608
    grouping = "".join(f"{expression} AS {alias}, " for alias, expression in keys.items())
    where = _scope_conditions(scope, period, params)
    return (
        f"in_scope AS (SELECT f.person_id AS person, {grouping}f.day_key AS dk, "  # noqa: S608
        "f.assistance_id AS aid, f.kind_id AS kind, f.country, f.sex, f.born_key AS born, "
        f"f.city_id AS city, {lookups} FROM {_F} f WHERE {where})"
    )


def _classified(
    names: Sequence[str], keys: Iterable[str], *, kind: bool, country: bool, city: bool = False
) -> str:
    """Part `classified`: each row reduced to what it is counted by: the person's sex (that
    of the record a duplicate was merged into), their age on the row's date (`age_sql`), and
    the row's country and kind.

    The sex class (women/girls/men/boys/unknown) and the age band are functions of (sex,
    age) alone, so they are derived after counting, in Python, once per group (`_fold`)
    rather than once per row. The country is kept only when some indicator is broken down
    by country, the kind only when a services indicator is broken down by subtype: each
    dimension dropped means fewer groups to count and to spread. The city (of the row) is
    kept only when some persons figure is counted by city (`AnyOf.by_city`).
    """
    kind_column = "kind" if kind else "0"
    country_column = "country" if country else "''"
    city_column = "city" if city else "0"
    return (
        f"classified AS (SELECT person, {', '.join(keys)}, dk, aid, {kind_column} AS kind, "  # noqa: S608
        f"sex, {age_sql('dk', 'born')} AS age, {country_column} AS country, "
        f"{city_column} AS city, {', '.join(names)} FROM in_scope)"
    )


def _counts_somewhere(names: Sequence[str]) -> str:
    """The condition that a row qualifies for at least one indicator (some mask bit set).

    It is stated in the part that reads `classified` (`firsts`; `grouped` by dimensions),
    where the statement had it before it was split into parts, so the planner orders the
    scan's filters exactly as it did then."""
    return " OR ".join(f"{n} <> 0" for n in names)


def _firsts(names: Sequence[str], news: Sequence[str], partition: str) -> str:
    """Part `firsts`: for each row, the bits of the indicators for which it is its person's
    FIRST qualifying row in the period, in (date, id) order: `n = m & ~(OR of the masks m of
    the person's earlier rows)`. One window, for every indicator at once.

    A persons indicator is counted at those rows only: one count per person, at that row's
    age and country (DESIGN.md §3 "Persons"). With a group key, the person is followed
    within each group (a person served by two partners is first in each). A row that
    qualifies for nothing is no one's first row: it is dropped before the window.
    """
    window = ", ".join(
        f"{m} & ~COALESCE(bit_or({m}) OVER win, 0) AS {n}" for m, n in zip(names, news, strict=True)
    )
    return (
        f"firsts AS (SELECT gk, kind, sex, age, country, city, {', '.join(names)}, {window} "  # noqa: S608
        f"FROM classified WHERE {_counts_somewhere(names)} WINDOW win AS (PARTITION BY {partition} "
        "ORDER BY dk, aid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))"
    )


def _grouped(names: Sequence[str], news: Sequence[str], *, city: bool = False) -> str:
    """Part `grouped`: the rows counted by everything the published cells depend on (group
    key, sex, age, country, kind) and by their masks: a few thousand groups whatever the
    number of rows, which the final SELECT spreads over the indicators.

    With `city`, a second grouping set in the same pass counts the first rows (`n` masks) by
    (city, sex) for the persons figures counted by city; its groups have `by_city` = 1 (the
    age is not among its keys) and the others 0, which the final SELECT tells apart.
    """
    keys = ", ".join([*names, *news])
    if not city:
        return (
            f"grouped AS (SELECT gk, sex, age, country, kind, {keys}, 0 AS by_city, "  # noqa: S608
            f"0 AS city, count(*) AS n FROM firsts GROUP BY gk, sex, age, country, kind, {keys})"
        )
    return (
        f"grouped AS (SELECT gk, sex, age, country, kind, {keys}, GROUPING(age) AS by_city, "  # noqa: S608
        f"city, count(*) AS n FROM firsts GROUP BY GROUPING SETS ("
        f"(gk, sex, age, country, kind, {keys}), (gk, city, sex, {', '.join(news)})))"
    )


def _bits(
    indicators: Sequence[Indicator], flags: Sequence[tuple[int, str | None]], which
) -> tuple[str, list]:
    """A VALUES list (ind, chunk, bit, unit, subtype) of the flags whose position is in
    `which`, and its parameters (the subtypes)."""
    rows, params = [], []
    for f in which:
        i, subtype = flags[f]
        rows.append(
            f"({i}, {f // _CHUNK}, {1 << (f % _CHUNK)}::bigint, '{indicators[i].unit[0]}', "
            "%s::varchar)"
        )
        params.append(subtype)
    return ", ".join(rows), params


def _pick(names: Sequence[str], prefix: str = "") -> str:
    """The mask (among `names`, prefixed) of the chunk the joined `bits` row belongs to."""
    if len(names) == 1:
        return f"{prefix}{names[0]}"
    cases = " ".join(f"WHEN {j} THEN {prefix}{n}" for j, n in enumerate(names))
    return f"CASE bits.chunk {cases} END"


def _spread(
    indicators: Sequence[Indicator],
    flags: Sequence[tuple[int, str | None]],
    names: Sequence[str],
    news: Sequence[str],
    params: list,
) -> str:
    """The final SELECT: the groups spread over the indicators (one VALUES row per bit).

    A services indicator sums the groups whose `m` has its bit (every qualifying row), a
    persons indicator those whose `n` has it (each person's first qualifying row); by (sex,
    age), by (sex, country) and by subtype, in one pass with GROUPING SETS. The persons
    indicators counted by subtype add one part: their per-subtype bits, whose `n` marks each
    person's first row OF that subtype, so a person counts once under every subtype received.

    Each output row is (grouping, group key, indicator position, sex, age, country, subtype,
    count); the grouping code is GROUPING(sex, age, country, subtype), -1 for persons per
    subtype, -2 for persons by city (the city id in the country column; see `_fold`).
    """
    main = [f for f, (_i, subtype) in enumerate(flags) if subtype is None]
    values, bit_params = _bits(indicators, flags, main)
    params += bit_params
    parts = [
        "SELECT GROUPING(g.sex, g.age, g.country, k.subtype), g.gk, bits.ind, "  # noqa: S608
        "g.sex::varchar, g.age, g.country::varchar, k.subtype::varchar, sum(g.n)::bigint "
        f"FROM grouped g JOIN (VALUES {values}) bits(ind, chunk, bit, unit, subtype) "
        f"ON (CASE bits.unit WHEN 's' THEN {_pick(names, 'g.')} ELSE {_pick(news, 'g.')} END) "
        f"& bits.bit <> 0 LEFT JOIN {_K} k ON k.id = g.kind WHERE g.by_city = 0 "
        "GROUP BY g.gk, bits.ind, GROUPING SETS ((g.sex, g.age), (g.sex, g.country), (k.subtype))"
    ]
    pairs = [f for f, (_i, subtype) in enumerate(flags) if subtype is not None]
    if pairs:
        values, bit_params = _bits(indicators, flags, pairs)
        params += bit_params
        parts.append(
            "SELECT -1, g.gk, bits.ind, NULL, NULL, NULL, bits.subtype, sum(g.n)::bigint "  # noqa: S608
            f"FROM grouped g JOIN (VALUES {values}) bits(ind, chunk, bit, unit, subtype) "
            f"ON {_pick(news, 'g.')} & bits.bit <> 0 WHERE g.by_city = 0 "
            "GROUP BY g.gk, bits.ind, bits.subtype"
        )
    by_city = [f for f in main if getattr(indicators[flags[f][0]], "by_city", False)]
    if by_city:
        values, bit_params = _bits(indicators, flags, by_city)
        params += bit_params
        parts.append(
            "SELECT -2, g.gk, bits.ind, g.sex::varchar, NULL, g.city::varchar, NULL, "  # noqa: S608
            f"sum(g.n)::bigint FROM grouped g JOIN (VALUES {values}) "
            f"bits(ind, chunk, bit, unit, subtype) ON {_pick(news, 'g.')} & bits.bit <> 0 "
            "WHERE g.by_city = 1 GROUP BY g.gk, bits.ind, g.sex, g.city"
        )
    return " UNION ALL ".join(parts)


def _statement(
    indicators: Sequence[Indicator],
    scope: Scope,
    period: Period,
    group_key: str,
):
    """ONE statement for every indicator, in one pass over the scoped facts: masks →
    in_scope → classified → firsts → grouped → spread (the module docstring says which rule
    of DESIGN.md §3 each part holds; each is built by the function of its name).

    `group_key` is an expression on the fact `f` (one of `GROUP_BY`), or "0" for none.
    The parameters follow the text: the indicators' lists, the scope, the subtypes.
    """
    params: list = []
    flags = _flags(indicators)
    masks, names = _kind_masks(indicators, flags, params)
    news = [f"n{n[1:]}" for n in names]
    # Without a group key the partition is the person alone, so a project's scan already
    # comes in the window's order (index reporting_fact_project): no sort.
    partition = "gk, person" if group_key != "0" else "person"
    by_city = any(getattr(i, "by_city", False) for i in indicators)
    parts = [
        masks,
        _in_scope(names, {"gk": group_key}, scope, period, params),
        _classified(
            names,
            ["gk"],
            kind=any(i.by_subtype and i.unit == Unit.SERVICES for i in indicators),
            country=any(i.by_country for i in indicators),
            city=by_city,
        ),
        _firsts(names, news, partition),
        _grouped(names, news, city=by_city),
    ]
    spread = _spread(indicators, flags, names, news, params)
    return f"WITH {', '.join(parts)} {spread}", params


def _services_by_dimensions(
    indicators: Sequence[Indicator], scope: Scope, period: Period, dimensions: Sequence[str]
):
    """Services indicators by several dimensions in one pass (no `firsts`: services count
    every row): the same parts up to `classified`, then `grouped` by GROUPING SETS of
    (dimension, sex, age, masks); the group key comes back as "dimension:value"."""
    params: list = []
    flags = _flags(indicators)
    masks, names = _kind_masks(indicators, flags, params)
    keys = {f"g_{d}": GROUP_BY[d] for d in dimensions}
    in_scope = _in_scope(names, keys, scope, period, params)
    classified = _classified(names, keys, kind=False, country=False)
    which = " ".join(
        f"WHEN GROUPING(g_{d}) = 0 THEN '{d}:' || COALESCE(g_{d}::text, '')" for d in dimensions
    )
    sets = ", ".join(f"(g_{d}, sex, age, {', '.join(names)})" for d in dimensions)
    grouped = (
        f"grouped AS (SELECT CASE {which} END AS gk, sex, age, {', '.join(names)}, "  # noqa: S608
        f"count(*) AS n FROM classified WHERE {_counts_somewhere(names)} "
        f"GROUP BY GROUPING SETS ({sets}))"
    )
    values, bit_params = _bits(indicators, flags, range(len(flags)))
    params += bit_params
    sql = (
        f"WITH {masks}, {in_scope}, {classified}, {grouped} "  # noqa: S608
        "SELECT g.gk, bits.ind, g.sex::varchar, g.age, sum(g.n)::bigint FROM grouped g "
        f"JOIN (VALUES {values}) bits(ind, chunk, bit, unit, subtype) "
        f"ON {_pick(names, 'g.')} & bits.bit <> 0 GROUP BY g.gk, bits.ind, g.sex, g.age"
    )
    return sql, params


# GROUPING(sex, age, country, subtype) codes: a bit is set for each argument NOT in the set.
_SEX_AGE, _SEX_COUNTRY, _SUBTYPE, _PERSONS_SUBTYPE, _PERSONS_CITY = 0b0011, 0b0101, 0b1110, -1, -2


def _add_country(result: IndicatorResult, country, sex, count: int) -> None:
    if result.by_country is None or not country:
        return
    cell = result.by_country.setdefault(country, {"F": 0, "M": 0, "unknown": 0})
    cell[_sex_key(sex)] += count


def _add_city(result: IndicatorResult, city, sex, count: int) -> None:
    if result.by_city is None:
        return
    cell = result.by_city.setdefault(
        int(city) if city is not None else None, {"F": 0, "M": 0, "unknown": 0}
    )
    cell[_sex_key(sex)] += count


def _add_subtype(result: IndicatorResult, subtype, count: int) -> None:
    if result.by_subtype is None or not count:
        return
    result.by_subtype[subtype] = result.by_subtype.get(subtype, 0) + count


def _group_value(dimension: str | None, key):
    """A group key as the statement returns it → the value callers get: a month's first day
    for "month" (the key is yyyymm), the id otherwise."""
    if dimension == "month" and key is not None:
        return datetime.date(key // 100, key % 100, 1)
    return key


def _fold(fetched, results_for, group_by: str | None) -> None:
    """The last part, in Python: each row of `_statement` added to its indicator's result.

    A (sex, age) row goes to the total, to its sex class (`beneficiaries.classify`) and to
    its age band (the indicator's scheme); a (sex, country) row to `by_country`; a subtype
    row to `by_subtype` (a services indicator's, or a persons indicator's per-subtype bits).
    The rows of a GROUPING SETS query hold every count once per set, so each set fills its
    own breakdown and each breakdown adds up to the total.
    """
    for grouping, gk, position, sex, age, country, subtype, count in fetched:
        result = results_for(_group_value(group_by, gk))[position]
        if grouping == _SEX_AGE:
            result._add(sex, age, count)
        elif grouping == _SEX_COUNTRY:
            _add_country(result, country, sex, count)
        elif grouping == _PERSONS_CITY:
            _add_city(result, country, sex, count)
        elif grouping == _PERSONS_SUBTYPE or (
            grouping == _SUBTYPE and result.unit == Unit.SERVICES
        ):
            _add_subtype(result, subtype, count)


def compute(
    scope: Scope,
    period: Period,
    indicators: Iterable[Indicator] | None = None,
    *,
    group_by: str | None = None,
):
    """Every indicator of `indicators` (default: the active catalogue) for `scope`/`period`.

    Returns `{code: IndicatorResult}` in catalogue order. With `group_by` ("provider",
    "city" or "month"), returns `{group value: {code: IndicatorResult}}` where each group is
    computed as if the scope were narrowed to it (a person served by two partners counts once
    for each; a person served in two months counts in each month). Groups without any
    qualifying row are absent. With a tuple of them, e.g. ("provider", "city"), returns
    `{dimension: {group value: {code: IndicatorResult}}}`: in ONE statement when every
    indicator is a services one (sex and age only, no country/subtype breakdowns), else one
    statement per dimension.
    Queries: ≤ 1 (catalogue) + 1 (every assistance indicator, one statement) + 1 (every
    case indicator, one statement; none when none is asked for).
    """
    if indicators is None:
        indicators = Indicator.objects.active()
    indicators = list(indicators)
    several = isinstance(group_by, tuple | list)
    dimensions = tuple(group_by) if several else ((group_by,) if group_by else ())
    if any(d not in GROUP_BY for d in dimensions):
        raise ValueError(f"group_by must be among {sorted(GROUP_BY)}")
    if several:
        if not indicators:
            return {d: {} for d in dimensions}
        if any(ind.unit != Unit.SERVICES or ind.counts_cases for ind in indicators):
            # Persons need their own first-assistance pass per dimension: one statement each.
            return {d: compute(scope, period, indicators, group_by=d) for d in dimensions}
        return _compute_services_by_dimensions(scope, period, indicators, dimensions)
    group_key = GROUP_BY[group_by] if group_by else "0"

    groups: dict = {}

    def results_for(key) -> list[IndicatorResult]:
        if key not in groups:
            groups[key] = [IndicatorResult.empty(ind) for ind in indicators]
        return groups[key]

    # Assistance indicators read the fact table, case indicators the case transitions: one
    # statement for each kind present, each folded into its indicators' places in the list.
    on_facts = [i for i, ind in enumerate(indicators) if not ind.counts_cases]
    on_cases = [i for i, ind in enumerate(indicators) if ind.counts_cases]
    if on_facts:
        sql, params = _statement([indicators[i] for i in on_facts], scope, period, group_key)
        with connection.cursor() as cursor:
            cursor.execute(_SETTINGS + sql, params)
            fetched = cursor.fetchall()
        _fold(fetched, lambda key: [results_for(key)[i] for i in on_facts], group_by)
    if on_cases:
        chosen = [indicators[i] for i in on_cases]
        sql, params = case_engine.statement(chosen, scope, period, group_by)
        with connection.cursor() as cursor:
            cursor.execute(_SETTINGS + sql, params)
            fetched = cursor.fetchall()
        case_engine.fold(
            fetched,
            chosen,
            lambda key: [results_for(key)[i] for i in on_cases],
            lambda key: _group_value(group_by, key),
        )

    def keyed(results):
        return {r.code: r for r in results}

    if not dimensions:
        return keyed(groups.get(0) or [IndicatorResult.empty(ind) for ind in indicators])
    return {key: keyed(results) for key, results in groups.items()}


def _compute_services_by_dimensions(scope, period, indicators, dimensions) -> dict:
    split: dict = {d: {} for d in dimensions}
    sql, params = _services_by_dimensions(indicators, scope, period, dimensions)
    with connection.cursor() as cursor:
        cursor.execute(_SETTINGS + sql, params)
        fetched = cursor.fetchall()
    for key, position, sex, age, count in fetched:
        dimension, _sep, raw = key.partition(":")
        value = _group_value(dimension, int(raw)) if raw else None
        group = split[dimension].setdefault(
            value, {ind.code: IndicatorResult.empty(ind) for ind in indicators}
        )
        group[indicators[position].code]._add(sex, age, count)
    return split


def bilan(
    project,
    period: Period,
    *,
    organisation=None,
    city=None,
    region=None,
    population: str = "all",
    indicators: Iterable[Indicator] | None = None,
) -> dict:
    """The bilan of `project` over `period` as the JSON-ready dict of DESIGN.md §4::

        {"project": "CODE", "start": "2023-05-01", "end": "2023-09-30",
         "indicators": {"medical_services": {"unit": "services", "total": 792,
             "women": 297, "girls": 100, "men": 273, "boys": 122, "unknown": 0,
             "by_age_band": {"0-4": 0, …, "60+": 0, "unknown": 0},
             "by_country": {"GN": {"F": 1, "M": 2, "unknown": 0}},   # when the indicator has it
             "by_subtype": {"cash": 3}},                              # likewise
           …}}

    `organisation` (a provider) cuts every figure to what it delivered. Small-cell suppression
    is not applied here: see `reporting.suppression.suppress_bilan` for donor-facing outputs.
    """
    scope = Scope(
        project_id=project.pk,
        organisation_id=getattr(organisation, "pk", organisation),
        city_id=getattr(city, "pk", city),
        region_id=getattr(region, "pk", region),
        population=population,
    )
    results = compute(scope, period, indicators)
    return {
        "project": project.code,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "indicators": {code: result.as_json() for code, result in results.items()},
    }


def mission_bilan(period: Period, **options) -> dict:
    """The mission bilan of `period` (DESIGN.md §9): see `reporting.mission.mission_bilan`."""
    from reporting.mission import mission_bilan as build  # it builds on this module

    return build(period, **options)
