"""Import batches: the one way the command, the pages, the API and the worker import a file.

A batch keeps who imported which file, when, for which organisation, and the outcome (counts,
the first errors and how many there were, the first rows). A file is measured against the
limits of settings before anything of it is parsed (`reader.measure`): it is refused at once
when over one. Small files are then checked and imported in the request; any other goes to a
Celery task that reports its progress (read by the page's progress bar), runs under a time
limit, and runs again after a lost worker at most `IMPORT_MAX_ATTEMPTS` times in all. A batch
left running past its time limit (a worker killed outright), or queued and never started by
any worker (`IMPORT_QUEUE_TIMEOUT`), is marked failed by the beat task and by the pages that
show it, so none stays "running" for ever.
"""

from __future__ import annotations

import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance.importer.engine import run_import
from assistance.importer.models import ImportBatch
from assistance.importer.reader import ImportFileError, cells_limit, measure, read_limited
from assistance.importer.report import Report, RowError
from core.audit import audit_log
from core.models import AuditEntry
from core.text import plain_text
from partners.access import SYSTEM, require_acting_user
from partners.models import Organisation, Project
from partners.permissions import acting_organisation_id, require_record_keeper

# Processed in the request only when both small on disk and short (a few thousand rows, and
# no more cells and shared strings than rows as wide as the contract's, twice over, hold):
# a second or two. Anything else goes to a worker and the page shows a progress bar.
SYNC_MAX_BYTES = 256 * 1024
SYNC_MAX_ROWS = 2000
PROGRESS_TIMEOUT = 6 * 3600
# The beat task runs every five minutes: a batch is stale once its time limit (after which
# the worker's hard limit has stopped it) and this margin have passed.
STALE_MARGIN = datetime.timedelta(minutes=2)
RUNNING = (
    ImportBatch.Status.PENDING,
    ImportBatch.Status.VALIDATING,
    ImportBatch.Status.IMPORTING,
)


def _progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def _file_refused(exc: ImportFileError) -> ValidationError:
    return ValidationError({"file": [exc.message]})


def import_file_read(stream, *, declared_size: int) -> bytes:
    """The bytes of an uploaded file or a file on disk, refused (ValidationError on `file`)
    on its declared size before any of it is read, and read in chunks never past the limit.
    """
    try:
        return read_limited(stream, declared_size=declared_size)
    except ImportFileError as exc:
        raise _file_refused(exc) from None


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
    project they can see; `acting_user` SYSTEM is the operator at the command line (None is
    refused). Whoever imports, the organisation keeps records: an active partner or IOM, never
    a donor nor a closed one (ValidationError on `organisation`). A file over a limit of
    settings (size, inflated size, rows) is refused with a ValidationError on `file` before
    anything of it is parsed. The file is kept on the batch (for the confirmation and the
    worker) unless `keep_content` is False, for a caller that processes it at once (the
    command).
    """
    require_acting_user(acting_user)
    if acting_user is not SYSTEM:
        acting_organisation_id(acting_user, organisation)
        if (
            project is not None
            and not Project.objects.visible_to(acting_user).filter(pk=project.pk).exists()
        ):
            raise PermissionDenied(_("Ce projet n'est pas accessible."))
    require_record_keeper(organisation, field="organisation")
    try:
        measure(content, file_name)
    except ImportFileError as exc:
        raise _file_refused(exc) from None
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
    if acting_user is None:
        # A batch of the command line without --user was the operator's; any other batch
        # whose author is gone (deleted user) is no one's to import.
        if batch.source != ImportBatch.Source.COMMAND:
            raise PermissionDenied(_("L'auteur de cet import n'existe plus."))
        acting_user = SYSTEM
    if commit and batch.status not in (
        ImportBatch.Status.VALID,
        ImportBatch.Status.IMPORTING,
        ImportBatch.Status.PENDING,
    ):
        raise ValidationError(_("Cet import ne peut plus être confirmé."))
    running = ImportBatch.Status.IMPORTING if commit else ImportBatch.Status.VALIDATING
    ImportBatch.objects.filter(pk=batch.pk).update(status=running, started_at=timezone.now())
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
    except Exception as exc:
        with translation.override(batch.language):
            if isinstance(exc, SoftTimeLimitExceeded):
                message = _time_limit_message()
            else:
                message = _(
                    "Le traitement du fichier a échoué : rien n'a été importé. Réessayez ; si "
                    "l'échec se répète, signalez-le à l'équipe technique."
                )
        _mark_failed(ImportBatch.objects.filter(pk=batch.pk), message)
        raise
    batch.rows = report.rows
    batch.counts = report.counts
    batch.errors = [error.as_dict() for error in report.errors]
    batch.error_count = report.error_count
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
        update_fields=[
            "rows",
            "counts",
            "errors",
            "error_count",
            "preview",
            "status",
            "content",
            "finished_at",
        ]
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
    """Process now if the file is small and short, else queue the worker (the page polls
    progress). Returns the report when processed now, None when queued.

    Short is counted, not guessed from the size on disk: an XLSX of a few hundred kilobytes
    may hold hundreds of thousands of rows, or one row of a million cells.
    """
    if batch.file_size <= SYNC_MAX_BYTES and _is_short(batch):
        return import_batch_process(batch=batch, commit=commit)
    from assistance.tasks import process_import_batch

    running = ImportBatch.Status.IMPORTING if commit else ImportBatch.Status.VALIDATING
    # A new step (check, then import) has its own attempts and its own time, which starts when
    # a worker takes it (`import_batch_run`): waiting in the queue is not running.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=running, queued_at=timezone.now(), started_at=None, attempts=0
    )
    batch.status = running
    cache.set(_progress_key(batch.pk), 0, PROGRESS_TIMEOUT)
    transaction.on_commit(lambda: process_import_batch.delay(batch.pk, commit))
    return None


def _is_short(batch: ImportBatch) -> bool:
    try:
        shape = measure(bytes(batch.content or b""), batch.file_name, rows_up_to=SYNC_MAX_ROWS)
    except ImportFileError:
        return True  # refused at once by the reader, with its message: no work to speak of
    most = cells_limit(SYNC_MAX_ROWS)
    return shape.rows <= SYNC_MAX_ROWS and shape.cells <= most and shape.strings <= most


def import_batch_run(*, batch_id: int, commit: bool) -> Report | None:
    """The worker's side of `import_batch_start`: count this attempt in the batch's row, then
    process it; once `IMPORT_MAX_ATTEMPTS` attempts have started (each earlier one lost with
    its worker: killed, out of memory), mark it failed instead of trying again.

    Returns None when there is nothing to do (a batch already finished or gone, a task
    delivered twice).
    """
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=RUNNING, attempts__lt=settings.IMPORT_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1, started_at=timezone.now())
    if not claimed:
        running = ImportBatch.objects.filter(pk=batch_id, status__in=RUNNING)
        batch = running.only("language", "attempts").first()
        if batch is not None:
            with translation.override(batch.language):
                message = ngettext(
                    "Le traitement a été interrompu %(count)s fois (serveur arrêté ou mémoire "
                    "insuffisante) : rien n'a été importé. Découpez le fichier en plusieurs "
                    "fichiers plus petits.",
                    "Le traitement a été interrompu %(count)s fois (serveur arrêté ou mémoire "
                    "insuffisante) : rien n'a été importé. Découpez le fichier en plusieurs "
                    "fichiers plus petits.",
                    batch.attempts,
                ) % {"count": batch.attempts}
            _mark_failed(running, message)
        return None
    batch = ImportBatch.objects.select_related("organisation", "project", "created_by").get(
        pk=batch_id
    )
    return import_batch_process(batch=batch, commit=commit)


def import_batch_fail_stale(*, batch_id: int | None = None) -> int:
    """Mark failed every batch (or batch `batch_id`) still running long after its time limit
    (its worker was killed outright), or queued and never started by a worker long after
    that could have happened (`IMPORT_QUEUE_TIMEOUT`: no worker running, the task lost), each
    with its own message. Returns how many were marked."""
    now = timezone.now()
    running = ImportBatch.objects.filter(status__in=RUNNING)
    if batch_id is not None:
        running = running.filter(pk=batch_id)
    started_before = now - datetime.timedelta(seconds=settings.IMPORT_TIME_LIMIT) - STALE_MARGIN
    queued_before = now - datetime.timedelta(seconds=settings.IMPORT_QUEUE_TIMEOUT) - STALE_MARGIN
    overran = running.filter(started_at__lt=started_before)
    never_started = running.filter(started_at__isnull=True).filter(
        Q(queued_at__lt=queued_before) | Q(queued_at__isnull=True, created_at__lt=queued_before)
    )
    marked = 0
    for stale, message in ((overran, _time_limit_message), (never_started, _not_started_message)):
        for language in stale.values_list("language", flat=True).distinct():
            with translation.override(language):
                marked += _mark_failed(stale.filter(language=language), message())
    return marked


def _time_limit_message() -> str:
    minutes = max(settings.IMPORT_TIME_LIMIT // 60, 1)
    return ngettext(
        "Le traitement a dépassé la durée maximale de %(minutes)s minute : rien n'a été "
        "importé. Découpez le fichier en plusieurs fichiers plus petits.",
        "Le traitement a dépassé la durée maximale de %(minutes)s minutes : rien n'a été "
        "importé. Découpez le fichier en plusieurs fichiers plus petits.",
        minutes,
    ) % {"minutes": minutes}


def _not_started_message() -> str:
    minutes = max(settings.IMPORT_QUEUE_TIMEOUT // 60, 1)
    return ngettext(
        "Aucun serveur de traitement n'a pris ce fichier en charge en %(minutes)s minute : "
        "rien n'a été importé. Déposez-le à nouveau ; si cela se répète, signalez-le à "
        "l'équipe technique.",
        "Aucun serveur de traitement n'a pris ce fichier en charge en %(minutes)s minutes : "
        "rien n'a été importé. Déposez-le à nouveau ; si cela se répète, signalez-le à "
        "l'équipe technique.",
        minutes,
    ) % {"minutes": minutes}


def _mark_failed(batches, message: str) -> int:
    """Failed, with `message` as the batch's one error; the file is no longer kept."""
    error = RowError(row=None, column="", value="", message=message).as_dict()
    return batches.update(
        status=ImportBatch.Status.FAILED,
        finished_at=timezone.now(),
        content=None,
        errors=[error],
        error_count=1,
    )


def import_batch_progress(batch: ImportBatch) -> int:
    """Percent done of a running batch (100 when finished)."""
    if not batch.is_running:
        return 100
    value = cache.get(_progress_key(batch.pk))
    return int(value) if value is not None else 0
