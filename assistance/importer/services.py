"""Import batches: the one way the command, the pages, the API and the worker import a file.

A batch keeps who imported which file, when, for which organisation, and the outcome (counts,
every error, the first rows). Small files are checked and imported in the request; larger
ones by a Celery task that reports its progress (read by the page's progress bar).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assistance.importer.engine import Report, run_import
from assistance.importer.models import ImportBatch
from core.audit import audit_log
from core.models import AuditEntry
from core.permissions import acting_organisation_id
from core.text import plain_text
from partners.models import Organisation, Project

MAX_FILE_BYTES = 50 * 1024 * 1024
# Above this size the work goes to a Celery worker and the page shows a progress bar.
SYNC_MAX_BYTES = 256 * 1024
PROGRESS_TIMEOUT = 6 * 3600


def _progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


@transaction.atomic
def import_batch_create(
    *,
    acting_user,
    organisation: Organisation,
    file_name: str,
    content: bytes,
    source: str,
    project: Project | None = None,
    language: str = "fr",
    keep_content: bool = True,
) -> ImportBatch:
    """Record an uploaded file for import into `organisation`.

    Partner staff import only into their own organisation (PermissionDenied otherwise), with a
    project they can see; `acting_user` None is the operator at the command line. The file is
    kept on the batch (for the confirmation and the worker) unless `keep_content` is False,
    for a caller that processes it at once (the command).
    """
    if acting_user is not None:
        acting_organisation_id(acting_user, organisation)
        if (
            project is not None
            and not Project.objects.visible_to(acting_user).filter(pk=project.pk).exists()
        ):
            raise PermissionDenied(_("Ce projet n'est pas accessible."))
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    return ImportBatch.objects.create(
        organisation=organisation,
        project=project,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        source=source,
        file_name=plain_text(file_name or "")[-255:],
        file_size=len(content),
        content=content if keep_content else None,
        language=(language or "fr")[:8],
    )


def import_batch_process(
    *, batch: ImportBatch, commit: bool, content: bytes | None = None
) -> Report:
    """Check (and with `commit`, import) the batch's file (or `content`, the same file when the
    caller still holds it); keep the outcome on the batch."""
    acting_user = batch.created_by
    if acting_user is None and batch.source != ImportBatch.Source.COMMAND:
        raise PermissionDenied(_("L'auteur de cet import n'existe plus."))
    if commit and batch.status not in (
        ImportBatch.Status.VALID,
        ImportBatch.Status.IMPORTING,
        ImportBatch.Status.PENDING,
    ):
        raise ValidationError(_("Cet import ne peut plus être confirmé."))
    running = ImportBatch.Status.IMPORTING if commit else ImportBatch.Status.VALIDATING
    ImportBatch.objects.filter(pk=batch.pk).update(status=running)
    key = _progress_key(batch.pk)

    def progress(fraction: float) -> None:
        cache.set(key, int(fraction * 100), PROGRESS_TIMEOUT)

    progress(0)
    if content is None:
        content = bytes(batch.content or b"")
    try:
        with translation.override(batch.language):
            report = run_import(
                content=content,
                filename=batch.file_name,
                organisation=batch.organisation,
                acting_user=acting_user,
                project=batch.project,
                dry_run=not commit,
                progress=progress,
            )
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(), content=None
        )
        cache.delete(key)
        raise
    batch.rows = report.rows
    batch.counts = report.counts
    batch.errors = [error.as_dict() for error in report.errors]
    batch.preview = report.preview
    if not report.ok:
        batch.status = ImportBatch.Status.INVALID
    elif commit:
        batch.status = ImportBatch.Status.DONE
    else:
        batch.status = ImportBatch.Status.VALID
    if batch.status != ImportBatch.Status.VALID:
        batch.content = None  # nothing more will be read from it
        batch.finished_at = timezone.now()
    batch.save(
        update_fields=["rows", "counts", "errors", "preview", "status", "content", "finished_at"]
    )
    if batch.status == ImportBatch.Status.DONE:
        audit_log(
            actor=acting_user,
            action=AuditEntry.Action.CREATE,
            instance=batch,
            changes={"file": batch.file_name, "rows": batch.rows, **batch.counts},
        )
    cache.delete(key)
    return report


def import_batch_start(*, batch: ImportBatch, commit: bool) -> Report | None:
    """Process now if the file is small, else queue the worker (the page polls progress).

    Returns the report when processed now, None when queued.
    """
    if batch.file_size <= SYNC_MAX_BYTES:
        return import_batch_process(batch=batch, commit=commit)
    from assistance.tasks import process_import_batch

    running = ImportBatch.Status.IMPORTING if commit else ImportBatch.Status.VALIDATING
    ImportBatch.objects.filter(pk=batch.pk).update(status=running)
    batch.status = running
    cache.set(_progress_key(batch.pk), 0, PROGRESS_TIMEOUT)
    transaction.on_commit(lambda: process_import_batch.delay(batch.pk, commit))
    return None


def import_batch_progress(batch: ImportBatch) -> int:
    """Percent done of a running batch (100 when finished)."""
    if not batch.is_running:
        return 100
    value = cache.get(_progress_key(batch.pk))
    return int(value) if value is not None else 0
