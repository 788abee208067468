"""Celery tasks of the assistance app: thin, take ids, call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def process_import_batch(batch_id: int, commit: bool) -> None:
    """Check (and with `commit`, import) a large uploaded file in the background."""
    from assistance.importer.models import ImportBatch
    from assistance.importer.services import import_batch_process

    batch = (
        ImportBatch.objects.select_related("organisation", "project", "created_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or not batch.is_running:
        return  # already processed (a redelivered task) or gone
    import_batch_process(batch=batch, commit=commit)
