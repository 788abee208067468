"""The morning digest (issue 14): each morning every user is told, in one notification in
their own language, what is due today and what is overdue for them, across the apps.

core knows neither follow-ups nor referrals: the apps that hold them register a source here
in their AppConfig.ready() (the cases app its follow-ups, assistance its referrals):

    digest.register("referrals", collect=collect, describe=describe)

- `collect(today, user_ids)` gives the `DigestItem`s of those users (a batch of active
  users, at most BATCH_SIZE): counts computed by the database, one or a few queries a batch.
- `describe(item)` gives the item's line, e.g. "2 suivis en retard"; it is called under
  `translation.override(<the user's language>)`, so a plain `gettext`/`ngettext` speaks it.

The user's language is core.notifications.languages_of's (the language they last picked in
the switcher; else `settings.LANGUAGE_CODE`).

One notification per user per day (key `digest:<date>`): running the task twice, or on two
workers at once, sends nothing more (core.notifications.notify). A user with nothing due
gets nothing. The message is bounded: at most MAX_LINES lines, and the notice's length.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core import clock
from core.models import Notification
from core.notifications import languages_of, notify

BATCH_SIZE = 500
MAX_LINES = 6
# Notification.message's length.
MAX_MESSAGE = 300


@dataclass(frozen=True)
class DigestItem:
    """What one source has for one user this morning: how many things are due today and
    how many are overdue, and where to see them. `topic` tells the source's own kinds
    apart (e.g. referrals sent / received)."""

    user_id: int
    due: int = 0
    overdue: int = 0
    link: str = ""
    topic: str = ""


@dataclass(frozen=True)
class _Source:
    name: str
    collect: Callable[[datetime.date, list[int]], Iterable[DigestItem]]
    describe: Callable[[DigestItem], str]


_sources: dict[str, _Source] = {}


def register(
    name: str,
    *,
    collect: Callable[[datetime.date, list[int]], Iterable[DigestItem]],
    describe: Callable[[DigestItem], str],
) -> None:
    """Add (or replace, by name) a source of the digest; lines follow registration order."""
    _sources[name] = _Source(name=name, collect=collect, describe=describe)


def unregister(name: str) -> None:
    _sources.pop(name, None)


def digest_key(today: datetime.date) -> str:
    return f"digest:{today.isoformat()}"


def _home() -> str:
    try:
        return reverse("home")
    except NoReverseMatch:  # pragma: no cover - the project always has one
        return ""


def _message(lines: list[str], more: int) -> str:
    if more:
        lines = [*lines, "…"]
    text = _("Votre journée : %(lines)s.") % {"lines": " · ".join(lines)}
    return Truncator(text).chars(MAX_MESSAGE)


def _notify_batch(today: datetime.date, user_ids: list[int], key: str) -> int:
    wanted = set(user_ids)
    found: dict[int, list[tuple[_Source, DigestItem]]] = defaultdict(list)
    for source in list(_sources.values()):
        for item in source.collect(today, user_ids):
            if item.user_id in wanted and (item.due > 0 or item.overdue > 0):
                found[item.user_id].append((source, item))
    if not found:
        return 0
    users = get_user_model().objects.in_bulk(list(found))
    languages = languages_of(list(found))
    sent = 0
    for user_id, items in found.items():
        shown = items[:MAX_LINES]
        with translation.override(languages[user_id]):
            message = _message(
                [str(source.describe(item)) for source, item in shown], len(items) - len(shown)
            )
        # Every line leads to the same list: straight to it; otherwise the home page.
        links = {item.link for _source, item in items}
        link = links.pop() if len(links) == 1 else _home()
        if notify(user=users[user_id], message=message, link=link, key=key):
            sent += 1
    return sent


def digest_send(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Notify every active user of what is due today and overdue for them (see the module's
    docstring), users taken in batches of `batch_size` by id. Returns how many were
    notified; a user already notified today is skipped, so a second run sends nothing."""
    today = today or clock.today()
    key = digest_key(today)
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    sent = 0
    last = 0
    while True:
        batch = list(users.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
        if not batch:
            return sent
        last = batch[-1]
        done = set(
            Notification.objects.filter(user_id__in=batch, key=key).values_list(
                "user_id", flat=True
            )
        )
        todo = [user_id for user_id in batch if user_id not in done]
        if todo:
            sent += _notify_batch(today, todo, key)
