"""Celery tasks of the cases app: thin, they call a service."""

from __future__ import annotations

from celery import shared_task

from cases.services.confidential import documents_purge_orphans


@shared_task(soft_time_limit=600, time_limit=660)
def purge_orphan_documents() -> int:
    """Beat, every night: delete encrypted files that no case document names (see the service)."""
    return documents_purge_orphans()
