"""Celery tasks of core: thin, they call a service."""

from __future__ import annotations

from celery import shared_task

from core.digest import digest_send


@shared_task(acks_late=True)
def send_morning_digest() -> int:
    """Beat, every morning at 07:00 (Casablanca): each user's digest of what is due today
    and overdue (core.digest). Safe to run again the same day. Returns how many users were
    notified."""
    return digest_send()
