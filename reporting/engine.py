"""The indicator engine: DESIGN.md section 3, computed by PostgreSQL in a fixed number of queries.

Public functions (used by the bilan command and API, the dashboard, exports and the PDF bilan):

- `compute(scope, period, indicators=None, group_by=None)` → `{code: IndicatorResult}` (or,
  with `group_by`, `{group value: {code: IndicatorResult}}`). At most two queries: the
  active catalogue (skipped when `indicators` is given) and ONE statement computing every
  indicator (services and persons), whatever the number of indicators.
- `bilan(project, period, organisation=None, ...)` → the JSON-ready dict of DESIGN.md §4.
- `IndicatorResult.as_json()` → one indicator's entry of that dict.

How the counting is done (so an auditor can follow it):

- Only `delivered` rows with `delivered_on` inside the inclusive period and inside the scope
  (project, providing organisation, city or region of the assistance, population of the
  person) qualify; an indicator's category/subtype/outcome lists (empty = any) filter them.
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
  `unknown`. The engine returns grouped counts (a few hundred rows at most) that Python only
  folds into the published cells, so `women + girls + men + boys + unknown == total` holds by
  construction, and likewise for `by_age_band` and `by_country`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from assistance.choices import Status
from assistance.models import Assistance
from beneficiaries.choices import ADULT_AGE
from beneficiaries.models import Beneficiary
from partners.models import City
from reporting.models import Indicator, Unit, band_keys, band_of
from reporting.periods import Period

SEX_CLASSES = ("women", "girls", "men", "boys", "unknown")
POPULATIONS = ("all", "migrant", "national")
GROUP_BY = {
    "provider": "a.provider_id",
    "city": "a.city_id",
    "month": "date_trunc('month', a.delivered_on)::date",
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


def sex_class(sex: str | None, age: int | None) -> str:
    """women / girls / men / boys, or unknown when the sex or the age is unknown."""
    if age is None or age < 0 or sex not in ("F", "M"):
        return "unknown"
    minor = age < ADULT_AGE
    if sex == "F":
        return "girls" if minor else "women"
    return "boys" if minor else "men"


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
        data = {"unit": self.unit, "total": self.total}
        data.update({name: getattr(self, name) for name in SEX_CLASSES})
        data["by_age_band"] = dict(self.by_age_band)
        if self.by_country is not None:
            data["by_country"] = {c: dict(v) for c, v in sorted(self.by_country.items())}
        if self.by_subtype is not None:
            data["by_subtype"] = dict(sorted(self.by_subtype.items()))
        return data


# --- SQL -----------------------------------------------------------------------------------------
# The statements are assembled from table names, fixed expressions and numbered aliases only;
# every value (dates, ids, indicator filter codes) goes through query parameters.

# Per statement: JIT compilation costs more than it saves on these one-pass aggregates, and
# the per-person grouping wants more than the default 4 MB to stay in memory. SET LOCAL ends
# with the statement's (implicit or enclosing) transaction.
_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; "

_A = Assistance._meta.db_table
_B = Beneficiary._meta.db_table
_CITY = City._meta.db_table


def _ymd(expr: str) -> str:
    return (
        f"(date_part('year', {expr}) * 10000 + date_part('month', {expr}) * 100"
        f" + date_part('day', {expr}))::int"
    )


def _born_key(person: str) -> str:
    """yyyymmdd of the (estimated) birth date of `person` (a beneficiary alias), or NULL."""
    return (
        f"CASE WHEN {person}.date_of_birth IS NOT NULL THEN {_ymd(person + '.date_of_birth')}"
        f" WHEN {person}.birth_year IS NOT NULL THEN {person}.birth_year * 10000 + 701 END"
    )


# Merges are rare: the records merged into another are looked up through the (small) derived
# table `m` (indexed by merged_into_id) rather than joining the beneficiary table twice.
_MERGED = (
    f"(SELECT d.id AS dup, k.id AS kept, k.sex, k.date_of_birth, k.birth_year, k.is_migrant "  # noqa: S608
    f"FROM {_B} d JOIN {_B} k ON k.id = d.merged_into_id WHERE d.merged_into_id IS NOT NULL)"
)
_PERSON = "COALESCE(m.kept, b.id)"
_SEX = "COALESCE(m.sex, b.sex)"
_BORN = f"CASE WHEN m.dup IS NULL THEN {_born_key('b')} ELSE {_born_key('m')} END"
_IS_MIGRANT = "COALESCE(m.is_migrant, b.is_migrant)"


def _age_from_keys(ref: str, born: str = "born") -> str:
    """Whole years from birth key `born` to yyyymmdd key `ref`; NULL if unknown (or born
    after `ref`). Integer arithmetic only: the keys are computed once per row."""
    return f"CASE WHEN {ref} >= {born} THEN ({ref} - {born}) / 10000 END"


def _age_sql(day: str, born: str = "born") -> str:
    """Whole years from the birth key `born` to the date `day`; NULL if unknown."""
    return _age_from_keys(_ymd(day), born)


def _qualifies(indicator: Indicator, params: list) -> str:
    parts = []
    for column, values in (
        ("a.category", indicator.categories),
        ("a.subtype", indicator.subtypes),
        ("a.outcome", indicator.outcomes),
    ):
        if values:
            parts.append(f"{column} = ANY(%s)")
            params.append(list(values))
    return " AND ".join(parts) or "TRUE"


def _where(scope: Scope, period: Period, params: list) -> str:
    conditions = ["a.status = %s", "a.delivered_on BETWEEN %s AND %s"]
    params.extend([Status.DELIVERED, period.start, period.end])
    if scope.project_id is not None:
        conditions.append("a.project_id = %s")
        params.append(scope.project_id)
    if scope.organisation_id is not None:
        conditions.append("a.provider_id = %s")
        params.append(scope.organisation_id)
    if scope.city_id is not None:
        conditions.append("a.city_id = %s")
        params.append(scope.city_id)
    if scope.region_id is not None:
        conditions.append(f"a.city_id IN (SELECT id FROM {_CITY} WHERE region_id = %s)")  # noqa: S608
        params.append(scope.region_id)
    if scope.population != "all":
        conditions.append(f"{_IS_MIGRANT} = %s")
        params.append(scope.population == "migrant")
    return " AND ".join(conditions)


def _rows_sql(
    indicators: Sequence[Indicator],
    scope: Scope,
    period: Period,
    group_key: str,
    extra_columns: str = "",
):
    """The scoped rows, one per delivered assistance, with the person, their sex and birth
    key, and one boolean per indicator saying whether the row qualifies."""
    params: list = []
    flags = [f"({_qualifies(ind, params)}) AS q{i}" for i, ind in enumerate(indicators)]
    where = _where(scope, period, params)
    sql = (
        f"SELECT {_PERSON} AS person, {group_key} AS gk, {extra_columns}"  # noqa: S608
        f"a.id AS aid, a.delivered_on AS d, {_ymd('a.delivered_on')} AS dk, a.subtype, "
        f"a.country, {_SEX} AS sex, {_BORN} AS born, "
        f"{', '.join(flags)} FROM {_A} a JOIN {_B} b ON b.id = a.beneficiary_id "
        f"LEFT JOIN {_MERGED} m ON m.dup = a.beneficiary_id WHERE {where}"
    )
    return sql, params


def _statement(
    indicators: Sequence[Indicator],
    scope: Scope,
    period: Period,
    group_key: str,
):
    """ONE statement for every indicator: the scoped rows are read and joined to the people
    once (CTE `base`), then

    - services: one pass counting, per indicator, by (sex, age), (sex, country) and subtype
      (GROUPING SETS; every set is always present because GROUPING() needs its arguments
      grouped somewhere, and the country and subtype sets only add a few hundred groups);
    - persons: the first qualifying row per person and indicator (`firsts`), unpivoted, then
      counted by (sex, age at that row) and (sex, country of that row); plus distinct persons
      per subtype.

    Each output row is (kind, grouping bitmask, group key, indicator position, sex, age,
    country, subtype, counts[]); `counts` holds one count per services indicator for kind
    "s", a single count for kind "p".
    """
    rows, params = _rows_sql(indicators, scope, period, group_key)
    services = [i for i, ind in enumerate(indicators) if ind.unit == Unit.SERVICES]
    persons = [i for i, ind in enumerate(indicators) if ind.unit == Unit.PERSONS]
    parts = []
    ctes = [f"base AS MATERIALIZED ({rows})"]
    if services:
        counts = ", ".join(f"count(*) FILTER (WHERE q{i})" for i in services)
        flags = ", ".join(f"q{i}" for i in services)
        parts.append(
            "SELECT 's' AS kind, GROUPING(sex, age, country, subtype) AS g, gk, NULL::int AS ind, "  # noqa: S608
            f"sex::varchar, age, country::varchar, subtype::varchar, ARRAY[{counts}] AS counts "
            f"FROM (SELECT gk, sex, {_age_from_keys('dk')} AS age, country, subtype, {flags} "
            "FROM base) s "
            "GROUP BY gk, GROUPING SETS ((sex, age), (sex, country), (subtype))"
        )
    if persons:
        firsts, values = [], []
        for i in persons:
            firsts.append(f"min(dk) FILTER (WHERE q{i}) AS d{i}")
            if indicators[i].by_country:
                # The country of the earliest (date, id) row: min() over a sortable text array
                # keeps the aggregate unordered, so PostgreSQL can hash instead of sorting.
                firsts.append(
                    f"(min(ARRAY[dk::text, lpad(aid::text, 19, '0'), country]) "
                    f"FILTER (WHERE q{i}))[3] AS c{i}"
                )
                values.append(f"({i}, f.d{i}, f.c{i})")
            else:
                values.append(f"({i}, f.d{i}, NULL::varchar)")
        # Every row of a person carries the same sex and birth key, so min() just picks them.
        ctes.append(
            f"firsts AS (SELECT person, gk, min(sex) AS sex, min(born) AS born, "  # noqa: S608
            f"{', '.join(firsts)} FROM base GROUP BY person, gk)"
        )
        ctes.append(
            f"cells AS (SELECT f.gk, v.ind, f.sex, {_age_from_keys('v.d', 'f.born')} AS age, "  # noqa: S608
            f"v.country FROM firsts f CROSS JOIN LATERAL (VALUES {', '.join(values)}) "
            "v(ind, d, country) WHERE v.d IS NOT NULL)"
        )
        parts.append(
            "SELECT 'p', GROUPING(sex, age, country) + 16, gk, ind, sex::varchar, age, "
            "country::varchar, NULL::varchar, ARRAY[count(*)] FROM cells "
            "GROUP BY gk, ind, GROUPING SETS ((sex, age), (sex, country))"
        )
        by_subtype = [i for i in persons if indicators[i].by_subtype]
        if by_subtype:
            pairs = ", ".join(f"({i}, base.q{i})" for i in by_subtype)
            parts.append(
                "SELECT 'p', -1, gk, v.ind, NULL, NULL, NULL, base.subtype::varchar, "  # noqa: S608
                f"ARRAY[count(DISTINCT base.person)] FROM base CROSS JOIN LATERAL "
                f"(VALUES {pairs}) v(ind, q) WHERE v.q GROUP BY gk, v.ind, base.subtype"
            )
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"
    return sql, params


def _services_by_dimensions(
    indicators: Sequence[Indicator], scope: Scope, period: Period, dimensions: Sequence[str]
):
    """Services indicators by several dimensions in one pass: GROUPING SETS of
    (dimension, sex, age); the group key comes back as "dimension:value"."""
    columns = "".join(f"{GROUP_BY[d]} AS g_{d}, " for d in dimensions)
    rows, params = _rows_sql(indicators, scope, period, "0", columns)
    keys = " ".join(
        f"WHEN GROUPING(g_{d}) = 0 THEN '{d}:' || COALESCE(g_{d}::text, '')" for d in dimensions
    )
    counts = ", ".join(f"count(*) FILTER (WHERE q{i})" for i in range(len(indicators)))
    sets = ", ".join(f"(g_{d}, sex, age)" for d in dimensions)
    sql = (
        f"SELECT CASE {keys} END AS gk, sex, age, ARRAY[{counts}] FROM "  # noqa: S608
        f"(SELECT {', '.join(f'g_{d}' for d in dimensions)}, sex, {_age_from_keys('dk')} AS age, "
        f"{', '.join(f'q{i}' for i in range(len(indicators)))} FROM ({rows}) r) s "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    return sql, params


# GROUPING() bitmasks: a bit is set for each argument NOT in the grouping set (persons' are
# offset by 16 to keep the two kinds apart; -1 marks the persons-per-subtype rows).
_SERVICES_SEX_AGE, _SERVICES_SEX_COUNTRY, _SERVICES_SUBTYPE = 0b0011, 0b0101, 0b1110
_PERSONS_SEX_AGE, _PERSONS_SEX_COUNTRY, _PERSONS_SUBTYPE = 16 + 0b001, 16 + 0b010, -1


def _add_country(result: IndicatorResult, country, sex, count: int) -> None:
    if result.by_country is None or not country:
        return
    cell = result.by_country.setdefault(country, {"F": 0, "M": 0, "unknown": 0})
    cell[_sex_key(sex)] += count


def _add_subtype(result: IndicatorResult, subtype, count: int) -> None:
    if result.by_subtype is None or not count:
        return
    result.by_subtype[subtype] = result.by_subtype.get(subtype, 0) + count


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
    Queries: ≤ 1 (catalogue) + 1 (every indicator, one statement).
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
        if any(ind.unit != Unit.SERVICES for ind in indicators):
            # Persons need their own first-assistance pass per dimension: one statement each.
            return {d: compute(scope, period, indicators, group_by=d) for d in dimensions}
        return _compute_services_by_dimensions(scope, period, indicators, dimensions)
    group_key = GROUP_BY[group_by] if group_by else "0"

    groups: dict = {}

    def results_for(key) -> list[IndicatorResult]:
        if key not in groups:
            groups[key] = [IndicatorResult.empty(ind) for ind in indicators]
        return groups[key]

    services = [i for i, ind in enumerate(indicators) if ind.unit == Unit.SERVICES]
    if indicators:
        sql, params = _statement(indicators, scope, period, group_key)
        with connection.cursor() as cursor:
            cursor.execute(_SETTINGS + sql, params)
            fetched = cursor.fetchall()
    else:
        fetched = []
    for _kind, g, gk, ind, sex, age, country, subtype, counts in fetched:
        if not any(counts):
            continue
        results = results_for(gk)
        positions = services if ind is None else [ind]
        for position, count in zip(positions, counts, strict=True):
            if not count:
                continue
            result = results[position]
            if g in (_SERVICES_SEX_AGE, _PERSONS_SEX_AGE):
                result._add(sex, age, count)
            elif g in (_SERVICES_SEX_COUNTRY, _PERSONS_SEX_COUNTRY):
                _add_country(result, country, sex, count)
            elif g in (_SERVICES_SUBTYPE, _PERSONS_SUBTYPE):
                _add_subtype(result, subtype, count)

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
    for key, sex, age, counts in fetched:
        dimension, _sep, raw = key.partition(":")
        if not raw:
            value = None
        elif dimension == "month":
            value = datetime.date.fromisoformat(raw)
        else:
            value = int(raw)
        group = split[dimension].setdefault(
            value, {ind.code: IndicatorResult.empty(ind) for ind in indicators}
        )
        for ind, count in zip(indicators, counts, strict=True):
            if count:
                group[ind.code]._add(sex, age, count)
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
