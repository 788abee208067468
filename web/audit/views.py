"""The audit page (IOM officers): who changed what, who read or exported what, who signed
in, filtered by user, organisation, person, action and dates; paginated; exported as CSV."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import access
from core.spreadsheets import csv_lines
from partners.permissions import require_iom_staff
from web.audit.forms import TRAIL, AuditFilterForm
from web.audit.selectors import access_entries, audit_entries, person_references

PAGE_SIZE = 50
# What one export may hold at most: a wider question is narrowed first (filters, dates).
EXPORT_LIMIT = 100_000


def _entries(request, form: AuditFilterForm):
    """The entries the filters ask for; none while they are invalid (never everything)."""
    select = audit_entries if form.tab_value == TRAIL else access_entries
    entries = select(user=request.user, filters=form.filters())
    return entries if not form.is_bound or form.is_valid() else entries.none()


@login_required
def audit_list(request):
    require_iom_staff(request)
    form = AuditFilterForm(request.GET or None)
    status = 200 if (not form.is_bound or form.is_valid()) else 400
    entries = _entries(request, form)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    references = person_references(page.object_list)
    for entry in page.object_list:
        entry.reference = references.get(entry.object_id)
        if form.tab_value == TRAIL:
            text = json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)
            entry.changes_text = text if len(text) <= 300 else text[:299] + "…"
    query = {k: v for k, v in request.GET.items() if k not in ("page", "tab")}
    return render(
        request,
        "web/audit.html",
        {
            "form": form,
            "tab": form.tab_value,
            "page_obj": page,
            "filters_query": urlencode(query),
            "export_query": urlencode({**query, "tab": form.tab_value}),
            "export_limit": EXPORT_LIMIT,
        },
        status=status,
    )


def _access_row(entry) -> list:
    return [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.user.get_username() if entry.user_id else "",
        entry.username,
        entry.organisation_name or "",
        entry.action,
        entry.model,
        entry.object_id,
        entry.kind,
        "" if entry.row_count is None else entry.row_count,
        entry.channel,
        entry.ip_address or "",
        entry.user_agent,
    ]


def _audit_row(entry) -> list:
    membership = getattr(entry.actor, "membership", None) if entry.actor_id else None
    return [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.actor.get_username() if entry.actor_id else "",
        membership.organisation.name if membership else "",
        entry.action,
        entry.model,
        entry.object_id,
        json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
    ]


@login_required
def audit_export(request):
    """The filtered list as CSV, streamed, at most EXPORT_LIMIT rows (the newest); the
    export is itself logged."""
    require_iom_staff(request)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Filtres invalides."), content_type="text/plain")
    entries = _entries(request, form)
    if form.tab_value == TRAIL:
        header = [_("date"), _("auteur"), _("organisation"), _("action"), _("objet"),
                  _("identifiant"), _("changements")]  # fmt: skip
        to_row = _audit_row
    else:
        header = [_("date"), _("utilisateur"), _("identifiant saisi"), _("organisation"),
                  _("action"), _("objet"), _("identifiant"), _("nature"), _("lignes"),
                  _("canal"), _("adresse IP"), _("navigateur")]  # fmt: skip
        to_row = _access_row
    count = min(entries.count(), EXPORT_LIMIT)
    access.record(
        request,
        access.Action.EXPORT_PERSONAL,
        kind=f"audit_{form.tab_value}.csv",
        row_count=count,
        details={"filters": {k: str(v) for k, v in form.filters().items()}},
    )
    rows = (to_row(e) for e in entries[:EXPORT_LIMIT].iterator(chunk_size=2000))
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    name = f"journal-{form.tab_value}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
