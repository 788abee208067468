"""In-app notifications: the one way any app tells a user something (a bilan to review, the
morning digest of what is due). Apps call `notify`; pages list `unread_for(user)`.

A notice is stored as text, so it is written in its recipient's language: render it under
`translation.override(languages_of([...])[user.pk])`. Where a user's language is kept core
does not know: partners registers `register_language(language_of)` (the language the user
last picked in the switcher, Membership.language); without an answer, LANGUAGE_CODE.

Notices are not audited: they are the system's messages to one user, about records whose
own changes are audited, and the recipient alone reads them (Notification.visible_to).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from core import clock
from core.models import Notification

# What a page shows at most; the rest waits until these are read.
SHOWN = 10

_language_of: list[Callable[[list[int]], dict[int, str]]] = []


def register_language(language_of: Callable[[list[int]], dict[int, str]]) -> None:
    """Install the function giving the language code each of some users (by id) picked; a
    user it leaves out gets settings.LANGUAGE_CODE."""
    _language_of[:] = [language_of]


def languages_of(user_ids: list[int]) -> dict[int, str]:
    """The language to write to each of these users in: one of settings.LANGUAGES."""
    known = dict(settings.LANGUAGES)
    found = _language_of[0](list(user_ids)) if _language_of else {}
    return {
        user_id: found[user_id] if found.get(user_id) in known else settings.LANGUAGE_CODE
        for user_id in user_ids
    }


def notify(*, user, message: str, link: str = "", key: str = "") -> Notification | None:
    """Notify `user`. With a `key`, at most once: a second call with the same key for the
    same user (a task run twice, two workers at once) sends nothing and returns None.
    The message is given in the recipient's language (render it under
    `translation.override`), as stored text does not follow the reader's later choice."""
    if key and Notification.objects.filter(user=user, key=key).exists():
        return None
    notice = Notification(user=user, message=message, link=link, key=key)
    notice.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # The unique (user, key) constraint settles a race; its savepoint keeps the
        # caller's transaction usable.
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        if not key:
            raise
        return None
    return notice


def unread_for(user):
    """The user's unread notices, newest first, as many as a page shows."""
    return Notification.objects.visible_to(user).unread()[:SHOWN]


@transaction.atomic
def notification_read(*, notification: Notification, acting_user) -> None:
    """Mark one of the user's notices read (someone else's: nothing happens)."""
    Notification.objects.visible_to(acting_user).filter(
        pk=notification.pk, read_at__isnull=True
    ).update(read_at=clock.now())
