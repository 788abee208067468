"""The case indicators (DESIGN.md §3 and §7; issue 14): ONE statement over the case
transitions for every case indicator asked, folded by `reporting.engine.compute` into the same
`IndicatorResult`s as the assistance indicators.

What is counted (so an auditor can follow it; reporting/README.md says the same):

- The events are `cases.CaseTransition` rows whose date `on` is in the inclusive period:
  kind `opened` for the source `case_openings`, kind `closed` for `case_closures`. A
  reopening is neither an opening nor a closure, and a case closed in one quarter and reopened
  in the next still counts as closed in the first (its transition stays).
- A person is `COALESCE(merged_into_id, id)` of the case's beneficiary, whose sex, birth date
  (or 1 July of the birth year) and population are used, as for assistances.
- `persons`: distinct persons with at least one event of the source in the period, classified
  by age on the date of their FIRST such event in the period (earliest date, then lowest
  transition id). `by_closure_reason`: a person counts once under each closure reason they had
  in the period (like `by_subtype`), so it may sum to more than the total.
- `days` (closures only): every closure in the period counts once (two closures of one
  person count twice), classified by the person's age on the closure date; `median` is the
  median (`percentile_cont(0.5)`) of the days from the case's `opened_on` to that closure
  (a case reopened and closed again counts from its first opening); None without closures.
- Scope: `organisation` is the case's organisation; `city`/`region` the person's city, else
  (no city on the person) the organisation's; `population` the person's. A case has no
  project: it counts for a project when its organisation is one of the project's partners
  and the person (after merges) received a delivered assistance of that project on or before
  the period's end (the fact table, any provider).

The statement's parts: `events` (transitions of the period in scope, joined to the person
counted) → `classified` (age on the event's date, and `rn`, the event's rank among the
person's events of that kind) → one SELECT per output, UNION ALL'd: persons at their first
event (`p`), persons by closure reason (`r`), closures by sex and age (`e`) and their median
(`m`). Every value goes through query parameters; the text holds table names only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from beneficiaries.models import Beneficiary
from cases.choices import TransitionKind
from cases.models import Case, CaseTransition
from partners.models import City, Organisation, Project
from reporting import engine
from reporting.models import Fact, Indicator, Source, Unit

if TYPE_CHECKING:
    from reporting.engine import IndicatorResult, Scope
    from reporting.periods import Period

KIND_OF_SOURCE = {
    Source.CASE_OPENINGS: TransitionKind.OPENED,
    Source.CASE_CLOSURES: TransitionKind.CLOSED,
}

_T = CaseTransition._meta.db_table
_C = Case._meta.db_table
_B = Beneficiary._meta.db_table
_O = Organisation._meta.db_table
_CITY = City._meta.db_table
_PARTNERS = Project.partners.through._meta.db_table
_F = Fact._meta.db_table


def _ymd(expr: str) -> str:
    return (
        f"(date_part('year', {expr}) * 10000 + date_part('month', {expr}) * 100"
        f" + date_part('day', {expr}))::int"
    )


# The person's birth key, as the fact table's (reporting migrations 0005 and 0007): the date of
# birth as yyyymmdd, else 1 July of the birth year; a frozen age on the transition (a person
# pseudonymised since, cases.erasure) gives back exactly that age on the event's day.
_DAY = _ymd("t.on")
_BORN = (
    "CASE WHEN t.frozen_age IS NOT NULL THEN CASE WHEN t.frozen_age >= 0 THEN "
    f"{_DAY} - t.frozen_age * 10000 END "
    f"WHEN p.date_of_birth IS NOT NULL THEN {_ymd('p.date_of_birth')} "
    "WHEN p.birth_year IS NOT NULL THEN p.birth_year * 10000 + 701 END"
)
# Where a case is (scope and group key): the person's city, else its organisation's.
_PLACE = "COALESCE(p.city_id, o.city_id)"
# The group keys of `engine.GROUP_BY`, for a case event.
GROUP_BY = {"provider": "c.organisation_id", "city": _PLACE, "month": f"{_DAY} / 100"}


def _scope_conditions(scope: Scope, period: Period, params: list) -> str:
    conditions = ["t.on BETWEEN %s AND %s"]
    params += [period.start, period.end]
    if scope.project_id is not None:
        conditions.append(
            f"c.organisation_id IN (SELECT organisation_id FROM {_PARTNERS} "  # noqa: S608
            f"WHERE project_id = %s) AND EXISTS (SELECT 1 FROM {_F} f WHERE f.project_id = %s "
            "AND f.person_id = p.id AND f.day_key <= %s)"
        )
        params += [scope.project_id, scope.project_id, engine.day_key(period.end)]
    if scope.project_ids is not None:
        # The same rule for any of several projects: the case's organisation implements one
        # of them, under which the person was assisted.
        conditions.append(
            f"EXISTS (SELECT 1 FROM {_F} f JOIN {_PARTNERS} pp ON pp.project_id = f.project_id "  # noqa: S608
            "WHERE f.project_id = ANY(%s) AND pp.organisation_id = c.organisation_id "
            "AND f.person_id = p.id AND f.day_key <= %s)"
        )
        params += [list(scope.project_ids), engine.day_key(period.end)]
    if scope.organisation_id is not None:
        conditions.append("c.organisation_id = %s")
        params.append(scope.organisation_id)
    if scope.city_id is not None:
        conditions.append(f"{_PLACE} = %s")
        params.append(scope.city_id)
    if scope.region_id is not None:
        conditions.append(f"{_PLACE} IN (SELECT id FROM {_CITY} WHERE region_id = %s)")  # noqa: S608
        params.append(scope.region_id)
    if scope.population != "all":
        conditions.append("p.is_migrant = %s")
        params.append(scope.population == "migrant")
    return " AND ".join(conditions)


def statement(
    indicators: Sequence[Indicator], scope: Scope, period: Period, group_by: str | None
) -> tuple[str, list]:
    """The statement for the case indicators `indicators` (at least one), as (sql, params).

    Output rows: (part, group key, transition kind, sex, age, closure reason, count, median)
    where part is `p` (persons at their first event, by sex and age), `r` (persons by closure
    reason), `e` (closures by sex and age) or `m` (the closures' count and median days)."""
    kinds = sorted({KIND_OF_SOURCE[i.source] for i in indicators})
    params: list = [kinds]  # first in the text (`t.kind = ANY`), then the scope's
    group_key = GROUP_BY[group_by] if group_by else "0"
    where = _scope_conditions(scope, period, params)
    events = (
        f"events AS (SELECT t.id AS tid, t.kind, t.closure_reason AS reason, {_DAY} AS dk, "  # noqa: S608
        f"(t.on - c.opened_on) AS days, p.id AS person, p.sex, {_BORN} AS born, "
        f"{group_key} AS gk FROM {_T} t JOIN {_C} c ON c.id = t.case_id "
        f"JOIN {_B} b ON b.id = c.beneficiary_id "
        f"JOIN {_B} p ON p.id = COALESCE(b.merged_into_id, b.id) "
        f"LEFT JOIN {_O} o ON o.id = c.organisation_id "
        f"WHERE t.kind = ANY(%s) AND {where})"
    )
    classified = (
        "classified AS (SELECT gk, kind, reason, person, sex, days, "  # noqa: S608
        f"{engine.age_sql('dk', 'born')} AS age, row_number() OVER (PARTITION BY gk, kind, "
        "person ORDER BY dk, tid) AS rn FROM events)"
    )
    parts = [
        "SELECT 'p', gk, kind::varchar, sex::varchar, age, NULL::varchar, count(*)::bigint, "
        "NULL::float8 FROM classified WHERE rn = 1 GROUP BY gk, kind, sex, age"
    ]
    if any(i.by_closure_reason for i in indicators):
        parts.append(
            "SELECT 'r', gk, kind::varchar, NULL, NULL, reason::varchar, "
            "count(DISTINCT person)::bigint, NULL FROM classified WHERE kind = %s "
            "GROUP BY gk, kind, reason"
        )
        params.append(TransitionKind.CLOSED)
    if any(i.unit == Unit.DAYS for i in indicators):
        parts.append(
            "SELECT 'e', gk, kind::varchar, sex::varchar, age, NULL, count(*)::bigint, NULL "
            "FROM classified WHERE kind = %s GROUP BY gk, kind, sex, age"
        )
        parts.append(
            "SELECT 'm', gk, kind::varchar, NULL, NULL, NULL, count(*)::bigint, "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FROM classified "
            "WHERE kind = %s GROUP BY gk, kind"
        )
        params += [TransitionKind.CLOSED, TransitionKind.CLOSED]
    return f"WITH {events}, {classified} {' UNION ALL '.join(parts)}", params


def fold(
    fetched,
    indicators: Sequence[Indicator],
    results_for: Callable[[object], list[IndicatorResult]],
    group_value: Callable[[object], object],
) -> None:
    """Each row of `statement` added to the results of the indicators it feeds (positions
    in `indicators`, as `results_for(group)` lists them)."""
    for part, gk, kind, sex, age, reason, count, median in fetched:
        results = results_for(group_value(gk))
        for position, indicator in enumerate(indicators):
            if KIND_OF_SOURCE[indicator.source] != kind:
                continue
            result = results[position]
            if part == "p" and indicator.unit == Unit.PERSONS:
                result._add(sex, age, count)
            elif part == "r" and result.by_closure_reason is not None:
                result.by_closure_reason[reason] = count
            elif part == "e" and indicator.unit == Unit.DAYS:
                result._add(sex, age, count)
            elif part == "m" and indicator.unit == Unit.DAYS:
                result.median = float(median)
