"""The access log (DESIGN.md section 8): who read which personal data, exported it, signed in
or failed to, when, and from where. Views call `record`; sign-in events are recorded by the
framework's own signals, connected in CoreConfig.ready().

What is recorded, and where (the lead's map; every new reader of personal data adds a line):
- `view_person`: each render of a person's file (beneficiaries.views.render_person_page, the
  page and its re-render after a refused quick entry alike) and each API read of one
  (`GET /api/v1/beneficiaries/{id}/`). A later HTMX fragment of the same file that shows
  nothing new need not record again; one that shows more (a note, a document) records its own
  `view_note` / `view_document`.
- `export_personal`: the importer's exports of people and assistances, its error report (it
  repeats the file's cells), the audit page's own CSV; with the kind and the row count.
- `view_list`: a list of named people reached from a figure (reporting's drill-down and data
  quality records), with the kind and the number of rows.
- `duplicate_search`: the duplicate check, on the page and in the API; the names searched are
  never stored, only a keyed digest (`search_digest`), so an officer who is asked "who looked
  for this person?" can compute it and compare, while the log itself names no one.
- `login`, `logout`, `login_failed`: Django's `user_logged_in`, `user_logged_out` and
  `user_login_failed` (the last also for the API's token endpoint, which authenticates
  through the same backends); the username tried is kept, the password never.
- `token_created`: for whoever issues an API token (call `record(request,
  AccessEntry.Action.TOKEN_CREATED, user=…)`).

core knows no organisation: partners tells it the organisation of a user through the hook
`register(organisation_of=…)`, in its AppConfig.ready(); asking before that fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.crypto import salted_hmac

from core import lockout
from core.models import AccessEntry

Action = AccessEntry.Action

_hooks: dict[str, Callable[[object], int | None]] = {}


def register(*, organisation_of: Callable[[object], int | None]) -> None:
    """Install the function that gives a user's organisation id (None for none)."""
    _hooks["organisation_of"] = organisation_of


def _organisation_of(user) -> int | None:
    try:
        answer = _hooks["organisation_of"]
    except KeyError:
        raise ImproperlyConfigured(
            "core.access: no organisation_of registered (partners registers it in its "
            "AppConfig.ready())"
        ) from None
    return answer(user)


def client_ip(request) -> str | None:
    """The address the request came from, read as the sign-in lockout and the throttles read
    it (core.lockout.client_ip: TRUSTED_PROXY_COUNT); None without a request (a failed
    authenticate() called without one)."""
    if getattr(request, "META", None) is None:
        return None
    return lockout.client_ip(request)


def search_digest(*parts) -> str:
    """A keyed digest of what was searched (names, birth year), normalised: the same search
    gives the same digest, and the log cannot be read back into names without the key."""
    text = "|".join(" ".join(str(p or "").casefold().split()) for p in parts)
    return salted_hmac("core.access.search", text, algorithm="sha256").hexdigest()


def record(
    request,
    action: str,
    *,
    user=None,
    instance: models.Model | None = None,
    model: str = "",
    object_id: str | int = "",
    kind: str = "",
    row_count: int | None = None,
    username: str = "",
    details: dict | None = None,
) -> AccessEntry:
    """Write one access entry. `user` defaults to the request's signed-in user; the object
    read is `instance`, or `model` (a label such as "beneficiaries.beneficiary") and
    `object_id`. Exports give their `kind` and `row_count`. Never pass a password or a
    searched name: `details` is read by officers."""
    if user is None:
        user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        user = None
    if instance is not None:
        model, object_id = instance._meta.label_lower, instance.pk
    meta = getattr(request, "META", {}) or {}
    path = getattr(request, "path", "") or ""
    return AccessEntry.objects.create(
        user=user,
        organisation_id=_organisation_of(user) if user is not None else None,
        action=action,
        model=model,
        object_id=str(object_id) if object_id not in (None, "") else "",
        kind=kind[:64],
        row_count=row_count,
        channel="api" if path.startswith("/api/") else ("page" if path else ""),
        path=path[:255],
        ip_address=client_ip(request),
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:255],
        username=(username or "")[:150],
        details=details or {},
    )


class Counted:
    """An iterable of export rows that counts them as they are read (`count` once done)."""

    def __init__(self, rows):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row


# --- Sign-in events: the framework's hooks (connected in CoreConfig.ready) ---------------------


def on_logged_in(sender, request, user, **kwargs):
    record(request, Action.LOGIN, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, Action.LOGOUT, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` come cleansed (the password masked); only the username is kept.
    username = credentials.get("username") or credentials.get("email") or ""
    record(request, Action.LOGIN_FAILED, user=None, username=str(username))
