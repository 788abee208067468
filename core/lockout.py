"""Sign-in lockout, on top of django-axes (settings: "Sign-in lockout and throttles").

django-axes counts failed sign-ins in its AccessAttempt table and refuses a username or an
address that has reached the limit. What is ours: which address a request comes from (the
same answer as the API throttles'), the lockout answer (a French page, status 429 and
Retry-After, telling how long the lock lasts), and what a successful sign-in forgets.
"""

from __future__ import annotations

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import status
from rest_framework.exceptions import APIException


def _valid_address(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = N reverse proxies in
    front, the N-th address from the right of X-Forwarded-For (the one the outermost proxy
    saw), exactly as Django REST framework's throttles read it with NUM_PROXIES = N. What a
    client writes itself in the header is to the left of that, so it is never taken. A value
    that is not an address (a proxy misconfigured) falls back to REMOTE_ADDR."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    remote = _valid_address(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if count and forwarded:
        addresses = forwarded.split(",")
        return _valid_address(addresses[-min(count, len(addresses))]) or remote
    return remote


def seconds_until_unlocked(request, credentials: dict | None = None) -> int:
    """How long the lock on this request's username or address lasts at most: the cool-down
    counted from the last failure of whichever is locked (a retry while locked does not
    restart it: AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off)."""
    cool_off = get_cool_off(request)
    moment = getattr(request, "axes_attempt_time", None) or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=moment - cool_off)
    limit = get_failure_limit(request, credentials)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    ends = []
    for field, value in (("username", username), ("ip_address", address)):
        if not value:
            continue
        counted = recent.filter(**{field: value}).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        if (counted["failures"] or 0) >= limit:
            ends.append(counted["last"] + cool_off)
    if not ends:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((max(ends) - moment).total_seconds()))


def locked_message(seconds: int) -> str:
    """What a locked-out user reads, on the page and in the API's error."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Trop de tentatives de connexion échouées : ce compte ou cette adresse est bloqué. "
        "Réessayez dans %(minutes)d minute ou demandez à un responsable de débloquer votre "
        "compte.",
        "Trop de tentatives de connexion échouées : ce compte ou cette adresse est bloqué. "
        "Réessayez dans %(minutes)d minutes ou demandez à un responsable de débloquer votre "
        "compte.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in form's answer once locked (the failure that reaches
    the limit, and every try after it). 429 Too Many Requests rather than axes' 403: the
    refusal is about the rate of attempts, not the user's rights, and the status carries
    Retry-After for whatever client reads it."""
    seconds = seconds_until_unlocked(request, credentials)
    response = render(
        request,
        "registration/locked_out.html",
        {"message": locked_message(seconds)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def forget_own_failures(*, username: str | None, address: str | None) -> int:
    """After a successful sign-in: forget the failures on that username from that address
    (the user's own typos), not those from elsewhere nor on other usernames."""
    if not username:
        return 0
    count, _ = AccessAttempt.objects.filter(username=username, ip_address=address).delete()
    return count


class SignInLocked(APIException):
    """The API's answer to a locked-out sign-in: 429, Retry-After, code `locked_out`."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Trop de tentatives de connexion échouées.")
    default_code = "locked_out"

    def __init__(self, wait: int):
        super().__init__(detail=locked_message(wait))
        self.wait = wait  # the API's exception handler sends it as Retry-After


def raise_if_locked_out(request) -> None:
    """In an API view whose credentials were just refused: raise SignInLocked if django-axes
    refused them for a lockout (or the failure reached the limit). axes marks the request it
    was given; DRF's Request carries the mark, Django's middleware never sees it, so the
    view must ask."""
    if getattr(request, "axes_locked_out", False):
        credentials = getattr(request, "axes_credentials", None)
        raise SignInLocked(wait=seconds_until_unlocked(request, credentials))


class SignInAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler (attempts survive a restart and officers see them),
    except for what a successful sign-in forgets: the failures on that username from that
    address (the user's own typos). axes' own handler also forgets every failure from the
    address, on any username: an insider could then try four passwords on a colleague's
    account, sign in as themselves, and start again."""

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        return forget_own_failures(
            username=get_client_username(request, credentials), address=request.axes_ip_address
        )
