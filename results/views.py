"""Project pages: the list of projects a user may see, a project's page with its results
framework and progress, and the IOM officers' editing pages (frameworks tags, expected
results, targets, the targets import).

Every project is looked up through `Project.objects.visible_to(user)` (404 out of scope); the
editing pages answer 404 to anyone but an IOM officer (partners.permissions.require_iom_staff);
every write goes through results.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import form_errors_from
from partners.access import actor_for
from partners.models import Project
from partners.permissions import require_iom_staff
from results import selectors, services
from results.forms import ExpectedResultForm, ProjectFrameworksForm, TargetForm, TargetImportForm
from results.importer import import_targets
from results.models import ExpectedResult, Target


@login_required
def project_list(request):
    """The projects the user may see: all for IOM, those implemented by a partner, those
    funded by a donor."""
    projects = (
        Project.objects.visible_to(request.user).select_related("donor").order_by("-start", "code")
    )
    return render(request, "results/project_list.html", {"projects": projects[:500]})


@login_required
def project_detail(request, project_code: str):
    """The project, its frameworks and its results framework with progress bars."""
    project = selectors.project_for(request.user, project_code)
    period = selectors.default_period(project)
    return render(
        request,
        "results/project_detail.html",
        {
            "project": project,
            "period": period,
            "progress": selectors.progress(project, period, user=request.user),
            "can_edit": actor_for(request.user).sees_everything,
        },
    )


def _officer_project(request, project_code: str) -> Project:
    require_iom_staff(request)
    return selectors.project_for(request.user, project_code)


def _saved(request, project, text):
    messages.success(request, text)
    return redirect("results:project_detail", project_code=project.code)


@login_required
def project_frameworks(request, project_code: str):
    project = _officer_project(request, project_code)
    initial = {"axes": project.axes.all(), "objectives": project.objectives.all()}
    form = ProjectFrameworksForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.project_set_frameworks(
            project=project,
            axes=form.cleaned_data["axes"],
            objectives=form.cleaned_data["objectives"],
            acting_user=request.user,
        )
        return _saved(request, project, _("Axes et objectifs enregistrés."))
    return render(
        request,
        "results/frameworks_form.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


def _result(project, pk: int) -> ExpectedResult:
    return get_object_or_404(ExpectedResult.objects.filter(project=project), pk=pk)


def _target(project, pk: int) -> Target:
    return get_object_or_404(
        Target.objects.filter(result__project=project).select_related("result"), pk=pk
    )


@login_required
def result_form(request, project_code: str, expected_result_id: int | None = None):
    """Add (no `pk`) or edit an expected result."""
    project = _officer_project(request, project_code)
    result = _result(project, expected_result_id) if expected_result_id else None
    initial = {name: getattr(result, name) for name in services.RESULT_FIELDS} if result else None
    form = ExpectedResultForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if result is None:
                services.expected_result_create(project=project, acting_user=request.user, **data)
            else:
                if data["ordering"] is None:
                    data["ordering"] = result.ordering
                services.expected_result_update(result=result, acting_user=request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return _saved(request, project, _("Résultat attendu enregistré."))
    return render(
        request,
        "results/result_form.html",
        {"project": project, "form": form, "result": result},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def result_delete(request, project_code: str, expected_result_id: int):
    project = _officer_project(request, project_code)
    services.expected_result_delete(
        result=_result(project, expected_result_id), acting_user=request.user
    )
    return _saved(request, project, _("Résultat attendu supprimé, avec ses valeurs cibles."))


_TARGET_FORM_FIELDS = {
    "indicator": "indicator",
    "organisation": "organisation",
    "city": "city",
    "baseline": "baseline",
    "target_total": "target_total",
    "target_female": "target_female",
    "target_male": "target_male",
}


@login_required
def target_form(request, project_code: str, target_id: int | None = None):
    """Add (no `pk`; `?result=` preselects the expected result) or edit a target."""
    project = _officer_project(request, project_code)
    target = _target(project, target_id) if target_id else None
    if target is not None:
        initial = {
            "result": target.result_id,
            **{n: getattr(target, n) for n in _TARGET_FORM_FIELDS},
        }
    else:
        initial = {"result": request.GET.get("result"), "baseline": 0}
    form = TargetForm(request.POST or None, initial=initial, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        result = data.pop("result")
        if data["baseline"] is None:
            data["baseline"] = 0
        try:
            if target is None:
                services.target_create(result=result, acting_user=request.user, **data)
            else:
                target.result = result
                services.target_update(target=target, acting_user=request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return _saved(request, project, _("Valeur cible enregistrée."))
    return render(
        request,
        "results/target_form.html",
        {"project": project, "form": form, "target": target},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def target_delete(request, project_code: str, target_id: int):
    project = _officer_project(request, project_code)
    services.target_delete(target=_target(project, target_id), acting_user=request.user)
    return _saved(request, project, _("Valeur cible supprimée."))


@login_required
def target_import(request, project_code: str):
    """Upload a spreadsheet of targets: every bad row listed, nothing saved unless all pass."""
    project = _officer_project(request, project_code)
    form = TargetImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", _("Le fichier dépasse 2 Mo."))
        else:
            report = import_targets(
                project=project,
                content=upload.read(),
                filename=upload.name,
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if report.ok and not report.dry_run:
                return _saved(
                    request,
                    project,
                    _(
                        "Import terminé. Résultats attendus créés : %(results)s ; valeurs "
                        "cibles créées : %(created)s ; mises à jour : %(updated)s."
                    )
                    % {
                        "results": report.results_created,
                        "created": report.targets_created,
                        "updated": report.targets_updated,
                    },
                )
    failed = bool(form.errors) or (report is not None and not report.ok)
    return render(
        request,
        "results/target_import.html",
        {"project": project, "form": form, "report": report},
        status=400 if failed else 200,
    )
