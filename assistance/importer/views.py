"""Import pages: upload → preview (counts, first rows, the first errors) → confirm → result;
the progress bar of large files (htmx polling); the template files; exports in the import's
columns.

Thin views: the form validates, `assistance.importer.services` does the work, every batch is
looked up through `ImportBatch.objects.visible_to(user)` (404 out of scope)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assistance.importer import columns, exports
from assistance.importer.forms import ImportUploadForm
from assistance.importer.models import ImportBatch
from assistance.importer.reader import file_too_large
from assistance.importer.report import errors_summary
from assistance.importer.services import (
    import_batch_create,
    import_batch_fail_stale,
    import_batch_progress,
    import_batch_start,
    import_file_read,
)
from core import access
from core.uploads import upload_refused
from partners.models import Organisation
from partners.permissions import require_case_staff


def _batch(request, batch_id: int) -> ImportBatch:
    require_case_staff(request)
    batches = (
        ImportBatch.objects.visible_to(request.user)
        .select_related("organisation", "project", "created_by")
        .defer("content")
    )
    batch = get_object_or_404(batches, pk=batch_id)
    # A batch whose worker died without a word must not show a progress bar for ever: the
    # beat task fails it, and so does the first page that shows it after its time limit.
    if batch.is_running and import_batch_fail_stale(batch_id=batch.pk):
        batch = batches.get(pk=batch_id)
    return batch


@login_required
def import_upload(request):
    actor = require_case_staff(request)
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,  # parsed here: a file over the limit is stopped
        user=request.user,
        refused_upload=file_too_large().message if posted and upload_refused(request) else "",
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                acting_user=request.user,
                organisation=form.chosen_organisation(),
                project=form.cleaned_data["project"],
                file_name=upload.name,
                content=import_file_read(upload, declared_size=upload.size),
                source=ImportBatch.Source.WEB,
                language=translation.get_language() or "fr",
            )
        except ValidationError as exc:
            form.add_error(None, exc)  # on the field the service names (`file`)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            import_batch_start(batch=batch, commit=False)
            return redirect("imports:detail", importbatch_id=batch.pk)
    batches = (
        ImportBatch.objects.visible_to(request.user)
        .select_related("organisation", "created_by")
        .defer("content", "errors", "preview")[:20]
    )
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "batches": batches,
            "columns": columns.COLUMNS,
            "required": columns.REQUIRED,
            "can_choose": actor.sees_everything,
            "limits": {
                "upload_mb": number_format(settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)),
                "rows": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
            },
        },
    )


@login_required
@require_GET
def import_detail(request, importbatch_id: int):
    batch = _batch(request, importbatch_id)
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "errors_summary": errors_summary(batch.error_count, len(batch.errors)),
            "preview_columns": [c for c in columns.COLUMNS if any(c in r for r in batch.preview)],
            "progress": import_batch_progress(batch),
        },
    )


@login_required
@require_GET
def import_progress(request, importbatch_id: int):
    """The progress bar, polled by htmx; once the work is done, the page reloads itself."""
    batch = _batch(request, importbatch_id)
    if not batch.is_running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:detail", args=[batch.pk])
        return response
    return render(
        request,
        "imports/_progress.html",
        {"batch": batch, "progress": import_batch_progress(batch)},
    )


@login_required
@require_POST
def import_confirm(request, importbatch_id: int):
    batch = _batch(request, importbatch_id)
    if batch.status != ImportBatch.Status.VALID:
        messages.error(request, _("Cet import ne peut plus être confirmé."))
        return redirect("imports:detail", importbatch_id=batch.pk)
    try:
        report = import_batch_start(batch=batch, commit=True)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        if report is not None and report.ok:
            messages.success(request, _("Import terminé."))
        elif report is not None:
            messages.error(request, _("Le fichier a changé de validité : rien n'a été importé."))
    return redirect("imports:detail", importbatch_id=batch.pk)


@login_required
@require_GET
def import_errors_csv(request, importbatch_id: int):
    """The errors of a refused file (the first ERRORS_KEPT), as a CSV the partner can sort
    and fix from."""
    batch = _batch(request, importbatch_id)
    header = [_("ligne"), _("colonne"), _("valeur"), _("erreur")]
    rows = ([e["row"] or "", e["column"], e["value"], e["message"]] for e in batch.errors)
    # It repeats the file's cells (names among them): a personal export, logged.
    access.record(
        request,
        access.Action.EXPORT_PERSONAL,
        instance=batch,
        kind="import_errors",
        row_count=len(batch.errors),
    )
    response = HttpResponse(b"".join(exports.to_csv(header, rows)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="erreurs-import-{batch.pk}.csv"'
    return response


@login_required
@require_GET
def import_template(request, fmt: str):
    """A file to start from: the contract's headers and one example row (refused by the import
    until it is replaced: exports.template_rows)."""
    require_case_staff(request)
    response = HttpResponse(exports.template_file(fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.TEMPLATE_NAME}.{fmt}"'
    return response


@login_required
@require_GET
def export(request, kind: str, fmt: str):
    """The organisation's own people or assistances, in the import's columns."""
    actor = require_case_staff(request)
    if actor.sees_everything:
        organisation = get_object_or_404(Organisation, slug=request.GET.get("organisation", ""))
    else:
        organisation = get_object_or_404(Organisation, pk=actor.organisation_id)
    if kind == "beneficiaires":
        header, rows = columns.PERSON_COLUMNS, exports.beneficiary_rows(request.user, organisation)
    else:
        header, rows = columns.COLUMNS, exports.assistance_rows(request.user, organisation)
    rows = access.Counted(rows)
    name = f"{kind}-{organisation.slug}-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(
            b"".join(exports.to_csv(header, rows)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.to_xlsx(header, rows, title=kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    # Built in full above, so the count is known: every personal export is logged.
    access.record(
        request,
        access.Action.EXPORT_PERSONAL,
        instance=organisation,
        kind=f"{kind}.{fmt}",
        row_count=rows.count,
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
