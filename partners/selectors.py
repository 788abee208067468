"""Reads of the partners app that are more than a one-liner: whether a project's period is
open for writing; the sign-in locks a user may lift; where and in which role a user may
invite someone."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.access import actor_for
from partners.choices import Role
from partners.models import ClosedPeriod, Membership, Organisation


def closed_period_message(periods: Iterable[ClosedPeriod], day: datetime.date) -> str | None:
    """Why nothing dated `day` may be written in a project whose closed periods in force are
    `periods` (None when the day is open): the one statement of the rule, for the one-row
    check below and for the assistance rules layer, which preloads the periods of a batch."""
    closed = next((period for period in periods if period.start <= day <= period.end), None)
    if closed is None:
        return None
    return _(
        "La période du %(start)s au %(end)s de ce projet est clôturée : une "
        "assistance datée du %(day)s ne peut plus être enregistrée, modifiée ni "
        "annulée. Demandez à l'OIM de rouvrir la période."
    ) % {
        "start": closed.start.strftime("%d/%m/%Y"),
        "end": closed.end.strftime("%d/%m/%Y"),
        "day": day.strftime("%d/%m/%Y"),
    }


def assert_period_open(project, day: datetime.date | None) -> None:
    """Refuse a write to an assistance of `project` dated `day` inside a closed period.

    For the writes of one row outside the assistance rules layer (a referral's outcome copied
    onto its assistance). No project or no date: nothing to check.
    """
    project_id = getattr(project, "pk", project)
    if project_id is None or day is None:
        return
    message = closed_period_message(ClosedPeriod.objects.covering(project_id, day), day)
    if message is not None:
        raise ValidationError({"delivered_on": message})


# --- Inviting a user ------------------------------------------------------------------------

# The roles of a partner organisation: all a partner manager may give (DESIGN.md section 5).
PARTNER_ROLES = (Role.CASEWORKER, Role.PARTNER_MANAGER)


def grantable_roles(user) -> tuple[Role, ...]:
    """The roles `user` may give to someone they invite: every role for an IOM officer (the
    organisation's kind then decides, Membership.clean), a partner organisation's roles for
    a partner manager, none for anyone else."""
    actor = actor_for(user)
    if actor.sees_everything:
        return tuple(Role)
    if actor.role == Role.PARTNER_MANAGER and actor.organisation_id:
        return PARTNER_ROLES
    return ()


def invitable_organisations(user):
    """The active organisations `user` may invite someone into: any for an IOM officer, their
    own for a partner manager, none for anyone else."""
    actor = actor_for(user)
    organisations = Organisation.objects.filter(is_active=True)
    if actor.sees_everything:
        return organisations
    if actor.role == Role.PARTNER_MANAGER and actor.organisation_id:
        return organisations.filter(pk=actor.organisation_id)
    return organisations.none()


# --- Locked sign-ins (django-axes' AccessAttempt) ---------------------------------------------

# The most locks a page lists, newest first (an attack from many addresses could lock more).
SIGN_IN_LOCKS_SHOWN = 500


@dataclass(frozen=True)
class SignInLock:
    """A username or an address refused at sign-in until `until` (or an unlock)."""

    kind: str  # "username" or "ip_address", as the unlock form sends it
    value: str
    failures: int
    last_failure: datetime.datetime
    until: datetime.datetime
    organisation: str = ""  # the account's organisation, for a username


def _locked(field: str, attempts) -> list[dict]:
    return list(
        attempts.exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")[:SIGN_IN_LOCKS_SHOWN]
    )


def sign_in_locks_visible_to(user) -> list[SignInLock]:
    """The sign-in locks in force that `user` may lift: every locked username and address
    for an IOM officer; the locked accounts of their own organisation for a partner manager
    (an address may be shared by several organisations: officers only); none for the
    others. A lock is in force while the failures counted within the cool-down reach the
    limit, as django-axes counts them."""
    actor = actor_for(user)
    if not actor.unlocks_sign_ins:
        return []
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    if not actor.sees_everything:
        attempts = attempts.filter(
            username__in=Membership.objects.visible_to(user).values("user__username")
        )
    by_username = _locked("username", attempts)
    organisations = dict(
        Membership.objects.filter(
            user__username__in=[row["username"] for row in by_username]
        ).values_list("user__username", "organisation__name")
    )
    locks = [
        SignInLock(
            kind="username",
            value=row["username"],
            failures=row["failures"],
            last_failure=row["last"],
            until=row["last"] + cool_off,
            organisation=organisations.get(row["username"], ""),
        )
        for row in by_username
    ]
    if actor.sees_everything:
        locks += [
            SignInLock(
                kind="ip_address",
                value=row["ip_address"],
                failures=row["failures"],
                last_failure=row["last"],
                until=row["last"] + cool_off,
            )
            for row in _locked("ip_address", attempts)
        ]
    return locks


def sign_in_lock(user, *, kind: str, value: str) -> SignInLock | None:
    """The lock `kind`/`value` if it is in force and `user` may lift it."""
    return next(
        (
            lock
            for lock in sign_in_locks_visible_to(user)
            if lock.kind == kind and lock.value == value
        ),
        None,
    )


def languages_of(user_ids: list[int]) -> dict[int, str]:
    """The language each of these users picked (core.notifications' hook); blank ones left out."""
    return dict(
        Membership.objects.filter(user_id__in=user_ids)
        .exclude(language="")
        .values_list("user_id", "language")
    )
