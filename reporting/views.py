"""Pages of the reporting app: the IOM dashboard, drill-down lists, exports, data quality."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import access
from partners.access import actor_for
from partners.permissions import officer_required
from reporting import exports, hooks
from reporting.dashboard import dashboard_data
from reporting.engine import compute
from reporting.forms import DrilldownForm, MissionYearForm, ReportFilterForm
from reporting.mission_dashboard import mission_dashboard_data, year_period
from reporting.quality import CHECKS, data_quality, quality_records
from reporting.selectors import assistances_behind

FILTER_KEYS = ("project", "period", "start", "end", "partner", "city", "population")


def _filter_query(request) -> dict:
    return {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)}


@officer_required
def dashboard(request):
    """Indicators of a project/period/partner/city, with charts and drill-down links."""
    form = ReportFilterForm(request.GET or None)
    context = {"form": form, "query": _filter_query(request)}
    if not request.GET or form.is_valid():
        if not request.GET:
            form = ReportFilterForm({})
            form.is_valid()
            context["form"] = form
        period = form.get_period()
        scope = form.get_scope()
        context.update(
            period=period,
            data=dashboard_data(scope, period, context["query"]),
            export_query=request.GET.urlencode(),
            sections=hooks.dashboard_sections(request, scope, period),
        )
    return render(request, "reporting/dashboard.html", context)


@officer_required
def mission(request):
    """The mission's year at a glance: persons reached by city, region, axis and donor."""
    form = MissionYearForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "reporting/mission.html", {"form": form}, status=400)
    year = form.get_year() if request.GET else form.fields["year"].initial
    period = year_period(year)
    context = {
        "form": form,
        "year": year,
        "period": period,
        "data": mission_dashboard_data(request.user, period),
    }
    return render(request, "reporting/mission.html", context)


@login_required
def drilldown(request):
    """The assistances behind one figure, as far as the viewer may see them."""
    actor = actor_for(request.user)
    if not (actor.sees_everything or actor.is_partner_staff):
        raise PermissionDenied(_("Votre rôle ne donne pas accès aux dossiers individuels."))
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        return render(request, "reporting/drilldown.html", {"form": form}, status=400)
    data = form.cleaned_data
    rows = assistances_behind(
        request.user,
        form.get_scope(),
        form.get_period(),
        data["indicator"],
        cell=data.get("cell"),
        band=data.get("band"),
        country=data.get("country"),
        sex=data.get("sex"),
        subtype=data.get("subtype"),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # A page of named people behind a figure: logged as a read of personal data.
    access.record(
        request,
        access.Action.VIEW_LIST,
        kind=f"drilldown:{data['indicator'].code}"[:64],
        row_count=len(page.object_list),
    )
    return render(
        request,
        "reporting/drilldown.html",
        {
            "form": form,
            "indicator": data["indicator"],
            "period": form.get_period(),
            "page_obj": page,
            "figure": data.get("cell") or data.get("band") or data.get("country") or "total",
            "dashboard_query": _filter_query(request),
        },
    )


def _export_table(request):
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return None, form
    period = form.get_period()
    results = compute(form.get_scope(), period)
    project = form.cleaned_data.get("project")
    return exports.table(
        results, project_code=project.code if project else "", start=period.start, end=period.end
    ), form


def _filename(form, suffix: str) -> str:
    project = form.cleaned_data.get("project")
    period = form.get_period()
    return f"indicateurs_{project.code if project else 'tous'}_{period.start}_{period.end}.{suffix}"


@officer_required
def export_csv(request):
    """The indicator table of the dashboard's filters, as CSV with an HXL hashtag row."""
    built, form = _export_table(request)
    if built is None:
        return HttpResponse(_("Filtres invalides."), status=400, content_type="text/plain")
    response = HttpResponse(exports.to_csv(*built), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "csv")}"'
    return response


@officer_required
def export_xlsx(request):
    """The same table as an XLSX workbook (first row labels, second row HXL hashtags)."""
    built, form = _export_table(request)
    if built is None:
        return HttpResponse(_("Filtres invalides."), status=400, content_type="text/plain")
    response = HttpResponse(
        exports.to_xlsx(*built, title=_("Indicateurs")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "xlsx")}"'
    return response


@officer_required
def quality(request):
    """Data quality per partner over a period: missing fields, odd dates, duplicates."""
    form = ReportFilterForm(request.GET or None)
    context = {"form": form}
    if not request.GET or form.is_valid():
        if not request.GET:
            form = ReportFilterForm({})
            form.is_valid()
            context["form"] = form
        period = form.get_period()
        rows = data_quality(request.user, form.get_scope(), period)
        for row in rows:
            # Each figure links to its records: the same filters, cut to the row's partner.
            row["records_query"] = urlencode(
                {**_filter_query(request), "partner": row["provider__slug"]}
            )
            row["figures"] = [
                {"check": check, "count": row[key], "share": row.get(f"{key}_pct")}
                for key, check in CHECKS.items()
            ]
        context.update(period=period, rows=rows, checks=CHECKS.values())
    return render(request, "reporting/quality.html", context)


@officer_required
def quality_detail(request, check: str):
    """The records behind one figure of the data quality page, to fix them one by one."""
    if check not in CHECKS:
        raise Http404
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "reporting/quality_records.html", {"form": form}, status=400)
    period = form.get_period()
    records = quality_records(request.user, form.get_scope(), period, check)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    access.record(
        request,
        access.Action.VIEW_LIST,
        kind=f"quality:{check}"[:64],
        row_count=len(page.object_list),
    )
    return render(
        request,
        "reporting/quality_records.html",
        {
            "form": form,
            "check": CHECKS[check],
            "partner": form.cleaned_data.get("partner"),
            "period": period,
            "page_obj": page,
            "quality_query": urlencode(_filter_query(request)),
        },
    )
