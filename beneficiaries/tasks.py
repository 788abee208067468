"""Celery tasks of the beneficiaries app: thin, they call a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from beneficiaries.services import retention_apply
from partners.access import SYSTEM


@shared_task(
    acks_late=True,
    # The service starts no new record after RETENTION_MAX_SECONDS; the limits stop a run
    # that does not come back (what it erased is committed, record by record).
    soft_time_limit=settings.RETENTION_MAX_SECONDS + 60,
    time_limit=settings.RETENTION_MAX_SECONDS + 120,
)
def apply_retention() -> int:
    """Beat, every night: pseudonymise the records whose retention period has passed
    (beneficiaries.protection.retention_apply), within the run's bounds. Returns how many."""
    results = retention_apply(
        acting_user=SYSTEM,
        max_records=settings.RETENTION_MAX_RECORDS,
        max_seconds=settings.RETENTION_MAX_SECONDS,
    )
    return sum(len(result.references) for result in results)
