"""Reads of the results framework: a project's targets with what was achieved.

Achieved is the indicator's figure over the period, computed by the reporting engine with the
counting rules of DESIGN.md §3 (`reporting.engine.compute`) in the target's cut: the project,
and the target's partner (the providing organisation) and city when it is split. The baseline
is shown beside it, never deducted. The engine is called once per distinct (partner, city)
cut with every indicator of that cut, not once per target.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from core import clock
from partners.models import Project
from reporting.engine import Scope, compute
from reporting.periods import Period
from results.models import MAX_TARGETS_PER_PROJECT, ExpectedResult, Target


@dataclass
class TargetProgress:
    """A target and what was achieved against it over a period."""

    target: Target
    achieved: int
    achieved_female: int | None = None  # women + girls, when the target is split by sex
    achieved_male: int | None = None  # men + boys, likewise

    @property
    def percent(self) -> int:
        return percent(self.achieved, self.target.target_total)

    @property
    def percent_female(self) -> int | None:
        return percent(self.achieved_female, self.target.target_female)

    @property
    def percent_male(self) -> int | None:
        return percent(self.achieved_male, self.target.target_male)


@dataclass
class ResultProgress:
    """An expected result with the progress of each of its targets."""

    result: ExpectedResult
    targets: list[TargetProgress] = field(default_factory=list)


def percent(achieved, target) -> int | None:
    """Whole percent of `target` reached (may pass 100); None when either is missing."""
    if not isinstance(achieved, int) or not target:
        return None
    return achieved * 100 // target


def default_period(project: Project) -> Period:
    """The project's start to its end, or to today while it runs (never before its start)."""
    today = clock.today()
    return Period(project.start, max(project.start, min(project.end, today)))


def project_for(user, code: str) -> Project:
    """The project `code` as `user` may see it; 404 out of scope (no existence leak)."""
    project = (
        Project.objects.visible_to(user)
        .select_related("donor")
        .prefetch_related("partners", "cities", "axes", "objectives")
        .filter(code=code)
        .first()
    )
    if project is None:
        raise Http404
    return project


def results_of(project: Project, *, user):
    """The project's expected results with their targets (indicator, partner, city loaded)."""
    return (
        ExpectedResult.objects.visible_to(user)
        .filter(project=project)
        .prefetch_related(
            _targets_prefetch(Target.objects.visible_to(user)),
        )
    )


def _targets_prefetch(targets):
    return Prefetch("targets", queryset=targets.select_related("indicator", "organisation", "city"))


def achieved_for(targets: list[Target], project: Project, period: Period) -> list[TargetProgress]:
    """What each target reached over `period`: one engine call per distinct (partner, city)
    cut of `targets`, each with the indicators of that cut only."""
    cuts: dict[tuple, dict] = defaultdict(dict)
    for target in targets:
        cuts[(target.organisation_id, target.city_id)][target.indicator.code] = target.indicator
    figures = {
        cut: compute(
            Scope(project_id=project.pk, organisation_id=cut[0], city_id=cut[1]),
            period,
            list(indicators.values()),
        )
        for cut, indicators in cuts.items()
    }
    rows = []
    for target in targets:
        result = figures[(target.organisation_id, target.city_id)][target.indicator.code]
        row = TargetProgress(target=target, achieved=result.total)
        if target.by_sex:
            row.achieved_female = result.women + result.girls
            row.achieved_male = result.men + result.boys
        rows.append(row)
    return rows


def progress(project: Project, period: Period | None = None, *, user) -> list[ResultProgress]:
    """Each expected result of `project` with its targets' progress over `period` (default:
    `default_period`), as far as `user` may see the project (nothing out of scope)."""
    period = period or default_period(project)
    results = list(results_of(project, user=user))
    targets = [target for result in results for target in result.targets.all()]
    by_target = {row.target.pk: row for row in achieved_for(targets, project, period)}
    return [
        ResultProgress(
            result=result, targets=[by_target[target.pk] for target in result.targets.all()]
        )
        for result in results
    ]


def frozen_targets(project: Project, period: Period, *, organisation=None, k: int = 0) -> list:
    """The targets of `project` with achieved over `period`, JSON-ready, for a bilan snapshot
    (frozen with its figures: a published bilan never changes). With `organisation` (a
    partner's cut of the bilan), only the targets set for that partner. Achieved counts from 1
    to k−1 are published as "<k", as the bilan's other small cells."""
    targets = Target.objects.filter(result__project=project).select_related(
        "result", "indicator", "organisation", "city"
    )
    if organisation is not None:
        targets = targets.filter(organisation_id=getattr(organisation, "pk", organisation))
    targets = list(targets[:MAX_TARGETS_PER_PROJECT])
    rows = achieved_for(targets, project, period)

    def published(value):
        if value is None:
            return None
        return f"<{k}" if k >= 2 and 0 < value < k else value

    return [
        {
            "result": row.target.result.statement_fr,
            "result_en": row.target.result.statement_en,
            "result_ar": row.target.result.statement_ar,
            "indicator": row.target.indicator.code,
            "organisation": row.target.organisation.name if row.target.organisation else None,
            "city": row.target.city.code if row.target.city else None,
            "city_name": row.target.city.name if row.target.city else None,
            "city_name_ar": row.target.city.name_ar if row.target.city else None,
            "baseline": row.target.baseline,
            "target": row.target.target_total,
            "target_female": row.target.target_female,
            "target_male": row.target.target_male,
            "achieved": published(row.achieved),
            "achieved_female": published(row.achieved_female),
            "achieved_male": published(row.achieved_male),
        }
        for row in rows
    ]
