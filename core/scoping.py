"""The two questions core asks about a requesting user, answered by the app that knows roles.

core is the lowest layer (README, "Architecture"): it knows no organisation, membership nor
role. Three of its pieces still depend on who asks: the audit trail and the admin site are
for those who see everything, and the API base (core.api.views.ScopedViewSet) lets only those
who work on personal records reach them (which records, each queryset's `visible_to` says).

This is a hook: partners, which owns memberships and roles, registers its answers here in
PartnersConfig.ready(). A question asked before that is a wiring error, refused loudly
rather than answered by a guess.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_answers: dict[str, Callable[[object], bool]] = {}


def register(
    *, sees_everything: Callable[[object], bool], works_on_records: Callable[[object], bool]
) -> None:
    """Install the functions that answer both questions (each takes a user, may be None)."""
    _answers.update(sees_everything=sees_everything, works_on_records=works_on_records)


def _ask(question: str, user) -> bool:
    try:
        answer = _answers[question]
    except KeyError:
        raise ImproperlyConfigured(
            f"core.scoping: no answer registered for {question!r} (partners registers them in "
            "its AppConfig.ready())"
        ) from None
    return bool(answer(user))


def sees_everything(user) -> bool:
    """Whether `user` reads every record: the audit trail, the admin site."""
    return _ask("sees_everything", user)


def works_on_records(user) -> bool:
    """Whether `user` may reach personal records at all (which ones: `visible_to`)."""
    return _ask("works_on_records", user)
