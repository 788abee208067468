"""Celery tasks of the assistance app: thin, take ids, call a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(
    acks_late=True,
    # A lost worker (killed, out of memory) requeues the task; the service counts each
    # attempt in the batch's row and fails the batch after IMPORT_MAX_ATTEMPTS.
    reject_on_worker_lost=True,
    # The soft limit fails the batch with a message; the hard one stops a worker that does
    # not come back from it (the beat task then marks the batch failed).
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_HARD_TIME_LIMIT,
)
def process_import_batch(batch_id: int, commit: bool) -> None:
    """Check (and with `commit`, import) a large uploaded file in the background."""
    from assistance.importer.services import import_batch_run

    import_batch_run(batch_id=batch_id, commit=commit)


@shared_task
def fail_stale_imports() -> int:
    """Beat, every five minutes: imports still running long after their time limit fail."""
    from assistance.importer.services import import_batch_fail_stale

    return import_batch_fail_stale()
