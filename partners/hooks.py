"""What higher apps say about a member whose access is about to be withdrawn (a hook: STYLE.md,
"Layers").

partners sits below the apps that hold a user's work and must not import them, yet the page
that confirms withdrawing a member's access should say what that member leaves open (a
caseworker's open cases, to transfer first). An app that holds such work registers a provider
with `register_open_work()` in its AppConfig.ready() (the cases app, when it lands:
CasesConfig.ready):

- `provider(membership, *, user)`: a list of `OpenWork` for `membership`'s user, as `user`
  (the manager or officer on the page) may see it, each with the link where it is dealt with
  (e.g. "transfer their open cases").

Nothing registered: the page lists nothing, and the withdrawal goes on as before (the work
stays where it is; the providers only inform).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenWork:
    """Something a member leaves open: a translated label ("3 dossiers ouverts") and, if it
    has one, the page where it is dealt with and that link's translated text."""

    label: str
    url: str = ""
    action: str = ""


_open_work: list[Callable] = []


def register_open_work(provider: Callable) -> None:
    """Register `provider(membership, *, user) -> list[OpenWork]` (once per app)."""
    if provider not in _open_work:
        _open_work.append(provider)


def open_work(membership, *, user) -> list[OpenWork]:
    """What every registered app says `membership`'s user leaves open, as `user` sees it."""
    return [item for provider in _open_work for item in provider(membership, user=user)]
