"""Celery tasks of the bilans app: thin, they take ids and call a service.

`generate_bilan` is acknowledged late and rejected (so requeued) when its worker dies, and
the service is idempotent: a redelivered task finishes the same bilan instead of making a
second one.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from bilans import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    default_retry_delay=10,
)
def generate_bilan(self, snapshot_id: int) -> int | None:
    """Generate the requested bilan `snapshot_id` (see bilans.services.bilan_generate)."""
    try:
        snapshot = services.bilan_generate(snapshot_id=snapshot_id)
    except DatabaseError as exc:
        # A lost connection or a lock timeout: worth another try.
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=10 * (self.request.retries + 1)) from exc
        services.bilan_mark_failed(snapshot_id=snapshot_id, error=str(exc))
        raise
    except Exception as exc:
        logger.exception("bilan %s failed", snapshot_id)
        services.bilan_mark_failed(snapshot_id=snapshot_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return snapshot.version if snapshot is not None else None


@shared_task(acks_late=True)
def schedule_quarterly_drafts() -> int:
    """Beat, a few days after each quarter: draft bilans for every active project."""
    return len(services.bilan_schedule_quarterly())


@shared_task
def check_reporting_facts() -> bool:
    """Beat, every night: is the engine's fact table in sync? (bilans.services.bilan_check_facts)"""
    return services.bilan_check_facts()
