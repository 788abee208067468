"""Every write of a results framework: IOM officers only (partners.permissions.require_officer),
validated by the models' full_clean(), audited in the same transaction.

The project pages, the spreadsheet import and the admin-free command all call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_create, audit_log, diff, snapshot
from core.models import AuditEntry
from partners.access import SYSTEM, require_acting_user
from partners.models import Project
from partners.permissions import require_officer
from results.models import (
    MAX_RESULTS_PER_PROJECT,
    MAX_TARGETS_PER_PROJECT,
    ExpectedResult,
    Target,
)

RESULT_FIELDS = ("ordering", "statement_fr", "statement_en", "statement_ar")
TARGET_FIELDS = (
    "indicator",
    "organisation",
    "city",
    "baseline",
    "target_total",
    "target_female",
    "target_male",
)


def require_editor(acting_user) -> None:
    """IOM officers edit a results framework; SYSTEM (the ops commands, the demo) is trusted
    by name; anyone else is refused."""
    require_acting_user(acting_user)
    if acting_user is not SYSTEM:
        require_officer(acting_user)


def _check_bounds(project: Project, *, new_results: int = 0, new_targets: int = 0) -> None:
    results = ExpectedResult.objects.filter(project=project).count()
    if results + new_results > MAX_RESULTS_PER_PROJECT:
        raise ValidationError(
            _("Nombre maximal de résultats attendus par projet atteint (%(n)s).")
            % {"n": MAX_RESULTS_PER_PROJECT}
        )
    targets = Target.objects.filter(result__project=project).count()
    if targets + new_targets > MAX_TARGETS_PER_PROJECT:
        raise ValidationError(
            _("Nombre maximal de valeurs cibles par projet atteint (%(n)s).")
            % {"n": MAX_TARGETS_PER_PROJECT}
        )


@transaction.atomic
def project_set_frameworks(*, project: Project, axes, objectives, acting_user) -> Project:
    """Tag `project` with its thematic axes and the framework objectives it serves."""
    require_editor(acting_user)
    before = {
        "axes": sorted(project.axes.values_list("pk", flat=True)),
        "objectives": sorted(project.objectives.values_list("pk", flat=True)),
    }
    project.axes.set(axes)
    project.objectives.set(objectives)
    after = {
        "axes": sorted(project.axes.values_list("pk", flat=True)),
        "objectives": sorted(project.objectives.values_list("pk", flat=True)),
    }
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=project,
        changes=diff(before, after),
    )
    return project


@transaction.atomic
def expected_result_create(
    *,
    project: Project,
    statement_fr: str,
    statement_en: str = "",
    statement_ar: str = "",
    ordering: int | None = None,
    acting_user,
) -> ExpectedResult:
    """Add an expected result to `project` (at the end unless `ordering` is given)."""
    require_editor(acting_user)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    _check_bounds(project, new_results=1)
    if ordering is None:
        ordering = ExpectedResult.objects.filter(project=project).count() + 1
    result = ExpectedResult(
        project=project,
        ordering=ordering,
        statement_fr=statement_fr,
        statement_en=statement_en,
        statement_ar=statement_ar,
    )
    result.full_clean()
    result.save()
    audit_create(actor=acting_user, instance=result)
    return result


@transaction.atomic
def expected_result_update(*, result: ExpectedResult, acting_user, **fields) -> ExpectedResult:
    """Change an expected result's wording or order."""
    require_editor(acting_user)
    unknown = set(fields) - set(RESULT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = snapshot(result)
    for name, value in fields.items():
        setattr(result, name, value)
    result.full_clean()
    result.save(update_fields=list(fields) or None)
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=result,
        changes=diff(before, snapshot(result)),
    )
    return result


@transaction.atomic
def expected_result_delete(*, result: ExpectedResult, acting_user) -> None:
    """Delete an expected result and its targets (each target's deletion is audited)."""
    require_editor(acting_user)
    for target in result.targets.all():
        audit_log(
            actor=acting_user,
            action=AuditEntry.Action.DELETE,
            instance=target,
            changes=snapshot(target),
        )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.DELETE,
        instance=result,
        changes=snapshot(result),
    )
    result.delete()


@transaction.atomic
def target_create(
    *,
    result: ExpectedResult,
    indicator,
    target_total: int,
    baseline: int = 0,
    organisation=None,
    city=None,
    target_female: int | None = None,
    target_male: int | None = None,
    acting_user,
) -> Target:
    """Set a target of `indicator` for an expected result (whole project, or split by partner
    and/or city; optionally by sex)."""
    require_editor(acting_user)
    Project.objects.select_for_update().filter(pk=result.project_id).first()
    _check_bounds(result.project, new_targets=1)
    target = Target(
        result=result,
        indicator=indicator,
        organisation=organisation,
        city=city,
        baseline=baseline,
        target_total=target_total,
        target_female=target_female,
        target_male=target_male,
    )
    target.full_clean()
    target.save()
    audit_create(actor=acting_user, instance=target)
    return target


@transaction.atomic
def target_update(*, target: Target, acting_user, **fields) -> Target:
    """Change a target's values or cut."""
    require_editor(acting_user)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = snapshot(target)
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def target_delete(*, target: Target, acting_user) -> None:
    """Delete a target."""
    require_editor(acting_user)
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.DELETE,
        instance=target,
        changes=snapshot(target),
    )
    target.delete()
