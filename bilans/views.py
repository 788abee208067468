"""Pages of the bilans app.

IOM officers: the bilans of projects and of the mission (request, follow the generation,
review, publish), the closed periods, their notifications (core.Notification). Donors: the
portal — the projects they fund, their published bilans and an aggregated dashboard; never a
person, never the mission's bilan. Anyone else gets 404 (out of scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bilans import selectors, services
from bilans.document import build_document
from bilans.forms import (
    BilanRequestForm,
    MissionBilanRequestForm,
    PeriodCloseForm,
    PortalPeriodForm,
    ReopenForm,
)
from bilans.models import BilanSnapshot, SnapshotScope, TaskState
from bilans.pdf import dashboard_charts, mission_charts
from bilans.rendering import document_context, snapshot_document
from core import clock
from core.notifications import unread_for
from partners import services as partner_services
from partners.models import ClosedPeriod
from partners.permissions import require_iom_staff, require_portal_user
from reporting.engine import bilan as engine_bilan
from reporting.selectors import bilan_scope_for, require_published_shape, whole_project
from reporting.suppression import suppress_bilan

PAGE_SIZE = 30


def _messages_from(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- IOM officers: bilans ----------------------------------------------------------------------


@login_required
def bilan_list(request):
    """Every bilan, newest first, with the forms to request one (of a project, of the
    mission) and the officer's notices."""
    require_iom_staff(request)
    form = BilanRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            snapshot = services.bilan_request(
                project=data["project"],
                period=data["period_value"],
                organisation=data["organisation"],
                language=data["language"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _say_requested(request, snapshot)
            return redirect("bilans:detail", bilansnapshot_id=snapshot.pk)
    return _list_page(request, form=form, mission_form=_mission_form())


def _mission_form(data=None) -> MissionBilanRequestForm:
    """The mission's form, for last year unless told otherwise."""
    return MissionBilanRequestForm(data, initial={"period": str(clock.today().year - 1)})


def _list_page(request, *, form, mission_form):
    snapshots = selectors.snapshots_for(request.user)
    project = request.GET.get("project")
    if project:
        snapshots = snapshots.filter(project__code=project)
    if request.GET.get("scope") in SnapshotScope.values:
        snapshots = snapshots.filter(scope=request.GET["scope"])
    page = Paginator(snapshots, PAGE_SIZE).get_page(request.GET.get("page"))
    notices = unread_for(request.user)
    return render(
        request,
        "bilans/list.html",
        {"form": form, "mission_form": mission_form, "page_obj": page, "notices": notices},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def mission_request(request):
    """The mission's bilan requested from the bilans page (IOM officers; 404 for others)."""
    require_iom_staff(request)
    mission_form = _mission_form(request.POST)
    if mission_form.is_valid():
        data = mission_form.cleaned_data
        try:
            snapshot = services.mission_bilan_request(
                period=data["period_value"], language=data["language"], acting_user=request.user
            )
        except ValidationError as exc:
            mission_form.add_error(None, exc)
        else:
            _say_requested(request, snapshot)
            return redirect("bilans:detail", bilansnapshot_id=snapshot.pk)
    return _list_page(request, form=BilanRequestForm(), mission_form=mission_form)


def _say_requested(request, snapshot: BilanSnapshot) -> None:
    """Tell what happened to a requested bilan. With no broker (no REDIS_URL) Celery runs the
    task eagerly when the request commits, so the bilan is already generated, or has failed;
    with a worker it has only started, and the page it redirects to follows its progress."""
    snapshot.refresh_from_db(fields=["task_state", "version"])
    if snapshot.task_state == TaskState.DONE:
        messages.success(
            request, _("Bilan généré : version %(version)s.") % {"version": snapshot.version}
        )
    elif snapshot.task_state == TaskState.FAILED:
        messages.error(
            request, _("La génération du bilan a échoué : la cause est indiquée ci-dessous.")
        )
    else:
        messages.success(request, _("Bilan demandé : sa génération a commencé."))


def _officer_snapshot(request, snapshot_id: int) -> BilanSnapshot:
    require_iom_staff(request)
    return get_object_or_404(selectors.snapshots_for(request.user), pk=snapshot_id)


@login_required
@require_GET
def bilan_detail(request, bilansnapshot_id: int):
    snapshot = _officer_snapshot(request, bilansnapshot_id)
    return render(request, "bilans/detail.html", {"snapshot": snapshot, **_review(snapshot)})


def _review(snapshot: BilanSnapshot) -> dict:
    """The key figures of a finished snapshot, for the officer's review before publishing."""
    if not snapshot.is_done:
        return {}
    # In the bilan's own language: its indicator labels were frozen in it.
    doc = snapshot_document(
        figures=snapshot.figures,
        context=snapshot.context,
        language=snapshot.language,
        version=snapshot.version,
        checksum=snapshot.checksum,
        generated_at=snapshot.generated_at,
    )
    if snapshot.is_mission:
        return {"doc": doc, "charts": mission_charts(doc)}
    return {"doc": doc, "charts": dashboard_charts(doc)}


@login_required
@require_GET
def bilan_progress(request, bilansnapshot_id: int):
    """HTMX: the generation state; polls itself while the task runs."""
    snapshot = _officer_snapshot(request, bilansnapshot_id)
    return render(request, "bilans/_progress.html", {"snapshot": snapshot})


@login_required
@require_POST
def bilan_publish(request, bilansnapshot_id: int):
    snapshot = _officer_snapshot(request, bilansnapshot_id)
    try:
        services.bilan_publish(snapshot=snapshot, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_from(exc))
    else:
        if snapshot.is_mission:
            done = _("Bilan de la mission publié : il ne changera plus.")
        else:
            done = _("Bilan publié : le bailleur peut le télécharger.")
        messages.success(request, done)
    return redirect("bilans:detail", bilansnapshot_id=snapshot.pk)


@login_required
@require_POST
def bilan_regenerate(request, bilansnapshot_id: int):
    """A new version of the same bilan (same scope, project, period, cut and language)."""
    snapshot = _officer_snapshot(request, bilansnapshot_id)
    new = services.bilan_request_again(snapshot=snapshot, acting_user=request.user)
    _say_requested(request, new)
    return redirect("bilans:detail", bilansnapshot_id=new.pk)


@login_required
@require_GET
def bilan_download(request, bilansnapshot_id: int, kind: str):
    """The PDF or XLSX of a finished bilan: officers any, donors the published ones of their
    projects (404 otherwise)."""
    snapshot = get_object_or_404(
        selectors.snapshots_for(request.user).filter(task_state="done"), pk=bilansnapshot_id
    )
    if kind not in ("pdf", "xlsx"):
        raise Http404
    field = getattr(snapshot, kind)
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=f"{snapshot.file_basename()}.{kind}")


# --- IOM officers: closed periods --------------------------------------------------------------


@login_required
def period_list(request):
    require_iom_staff(request)
    form = PeriodCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner_services.period_close(
                project=form.cleaned_data["project"],
                period=form.cleaned_data["period_value"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Période clôturée."))
            return redirect("bilans:periods")
    periods = ClosedPeriod.objects.select_related("project", "closed_by", "reopened_by")
    return render(
        request,
        "bilans/periods.html",
        {
            "form": form,
            "periods": Paginator(periods, PAGE_SIZE).get_page(request.GET.get("page")),
            "reopen_form": ReopenForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def period_reopen(request, closedperiod_id: int):
    require_iom_staff(request)
    closed = get_object_or_404(ClosedPeriod, pk=closedperiod_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            partner_services.period_reopen(
                closed_period=closed, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as exc:
            messages.error(request, _messages_from(exc))
        else:
            messages.success(request, _("Période rouverte."))
    else:
        messages.error(request, _("Indiquez le motif de la réouverture."))
    return redirect("bilans:periods")


# --- Donor portal -------------------------------------------------------------------------------


@login_required
@require_GET
def portal(request):
    """The donor's projects with their published bilans."""
    require_portal_user(request)
    projects = list(selectors.donor_projects(request.user))
    published = selectors.snapshots_for(request.user).published().filter(project__in=projects)
    by_project: dict[int, list[BilanSnapshot]] = {}
    for snapshot in published.order_by("-end", "language", "-version"):
        by_project.setdefault(snapshot.project_id, []).append(snapshot)
    rows = [(project, by_project.get(project.pk, [])) for project in projects]
    return render(request, "bilans/portal.html", {"rows": rows})


@login_required
@require_GET
def portal_project(request, code: str):
    """One funded project: aggregated figures (small cells hidden) and its published bilans."""
    require_portal_user(request)
    try:
        scope = bilan_scope_for(request.user, code)
    except PermissionDenied as exc:
        raise Http404 from exc
    project = scope.project
    # The whole project by default; a donor may choose only a published shape (a calendar
    # quarter or year), never a month or a range: see reporting.selectors.
    period = whole_project(project)
    form = PortalPeriodForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
        chosen = form.cleaned_data["period"]
        try:
            require_published_shape(scope, chosen)
        except ValidationError as exc:
            form.add_error("period", exc.message_dict["period"])
        else:
            period = chosen
    language = (get_language() or "fr")[:2]
    language = language if language in ("fr", "en", "ar") else "fr"
    data = engine_bilan(project, period)
    data = suppress_bilan(data, project.small_cell_threshold) if scope.donor_facing else data
    doc = build_document(
        figures=data,
        context=document_context(project, organisation=None, language=language),
        language=language,
        version=None,
        checksum="",
        generated_at=None,
    )
    published = (
        selectors.snapshots_for(request.user)
        .published()
        .filter(project=project)
        .order_by("-end", "language", "-version")
    )
    return render(
        request,
        "bilans/portal_project.html",
        {
            "project": project,
            "doc": doc,
            "charts": dashboard_charts(doc),
            "form": form,
            "period": period,
            "published": published,
        },
        status=400 if form.errors else 200,
    )
