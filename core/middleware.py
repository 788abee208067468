"""Middleware of the project's plumbing: the session's idle timeout, `Cache-Control: no-store`
on personal data, the `Permissions-Policy` header.

They know no domain app; they read settings only (iom_cases/settings.py, "Sessions" and
"Security headers").

Why a middleware for the idle timeout rather than `SESSION_SAVE_EVERY_REQUEST` with a
30-minute `SESSION_COOKIE_AGE`: that pair writes the session row on every request — every
keystroke of a live search, every second of a progress poll — and knows no absolute maximum,
since each write pushes the expiry further. Here the session keeps two timestamps, the sign-in
and the last activity; the last activity is rewritten at most once a minute
(`SESSION_ACTIVITY_REFRESH_SECONDS`), so a busy user costs one session write a minute, and the
timeout lands within that minute of the idle limit. `SESSION_COOKIE_AGE` (idle + refresh) makes
the session store drop an idle row on its own too, so `clearsessions` purges them.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

SIGNED_IN_AT = "_iom_signed_in_at"  # epoch seconds, set on the first request after sign-in
LAST_ACTIVITY = "_iom_last_activity"  # epoch seconds, refreshed at most once a refresh interval

API_PREFIX = "/api/"  # iom_cases/urls.py
_REDIRECTS = {301, 302, 303, 307, 308}


class SessionTimeoutMiddleware:
    """Signs out a session idle for `SESSION_IDLE_SECONDS`, or older than
    `SESSION_MAX_AGE_SECONDS` since sign-in, whatever its activity.

    The request then goes on as anonymous: a page asks for the sign-in (its `next` brings the
    user back), the API answers 401/403. An htmx request that would be redirected to the
    sign-in page (an expired session, or one the store already dropped) is told to send the
    whole browser there (`HX-Redirect`), rather than swap the sign-in page into a fragment.

    Placed after AuthenticationMiddleware and MessageMiddleware (it reads `request.user` and
    leaves a message), before anything that acts for the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        response = self.get_response(request)
        if getattr(request, "htmx", False) and self._is_login_redirect(response):
            return HttpResponseClientRedirect(self._login_url(request))
        return response

    def _check(self, request) -> None:
        session = request.session
        # Wall-clock time, as the session store's own expiry: not core.clock, the business
        # "today" that tests move across months and years within one signed-in session.
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_activity = session.get(LAST_ACTIVITY)
        if signed_in_at is None or last_activity is None:
            # The first request after sign-in (or a session from before this middleware).
            session[SIGNED_IN_AT] = now
            session[LAST_ACTIVITY] = now
            return
        idle = now - last_activity > settings.SESSION_IDLE_SECONDS
        too_old = now - signed_in_at > settings.SESSION_MAX_AGE_SECONDS
        if idle or too_old:
            logout(request)  # flushes the session and makes request.user anonymous
            messages.info(request, _expiry_message(idle=idle))
            return
        if now - last_activity >= settings.SESSION_ACTIVITY_REFRESH_SECONDS:
            session[LAST_ACTIVITY] = now

    @staticmethod
    def _is_login_redirect(response) -> bool:
        if response.status_code not in _REDIRECTS or not response.has_header("Location"):
            return False
        return urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)

    @staticmethod
    def _login_url(request) -> str:
        """The sign-in page, coming back afterwards to the page the browser shows (the htmx
        request's own URL is a fragment's, not a page to come back to)."""
        current = request.htmx.current_url_abs_path  # None unless on this very site
        login_url = resolve_url(settings.LOGIN_URL)
        return f"{login_url}?{urlencode({'next': current})}" if current else login_url


def _expiry_message(*, idle: bool) -> str:
    """What the sign-in page tells someone whose session has just ended."""
    if not idle:
        return _("Votre session a atteint sa durée maximale : reconnectez-vous.")
    minutes = settings.SESSION_IDLE_SECONDS // 60
    return ngettext(
        "Votre session a expiré après %(minutes)d minute d'inactivité : reconnectez-vous.",
        "Votre session a expiré après %(minutes)d minutes d'inactivité : reconnectez-vous.",
        minutes,
    ) % {"minutes": minutes}


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and `Pragma: no-cache` for old proxies) on every answer to a
    signed-in user and on every API answer: pages, fragments, exports and downloads may carry
    personal data, and neither the browser's cache nor a proxy may keep them.

    API requests authenticate with a token inside the view (DRF), after this middleware has
    seen an anonymous `request.user`: the API is therefore covered by its path. Static files
    never get here (whitenoise answers them first) and keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(API_PREFIX):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"
        return response


class PermissionsPolicyMiddleware:
    """The `Permissions-Policy` header of `settings.PERMISSIONS_POLICY` on every answer: the
    browser features no page uses (camera, microphone, location…) are refused to the pages
    and to anything a flaw could make them embed. Django has no setting for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
