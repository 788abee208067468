"""Lifting a sign-in lockout (django-axes) before its cool-down ends, audited."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.models import AuditEntry
from partners.access import actor_for, require_acting_user
from partners.models import Membership


@transaction.atomic
def sign_in_unlock(
    *, username: str | None = None, ip_address: str | None = None, acting_user
) -> int:
    """Forget the failed sign-ins of `username` (from every address) or of `ip_address` (on
    every username), so the next sign-in is checked afresh; returns how many attempt records
    were dropped. IOM officers may unlock any username or address; a partner manager only
    the accounts of their own organisation (PermissionDenied otherwise). Audited as an
    `unlock` of the user (or, for an address or an unknown username, of the attempt record),
    with what was forgotten."""
    require_acting_user(acting_user)
    if (username is None) == (ip_address is None):
        raise TypeError("sign_in_unlock takes a username or an ip_address, not both")
    actor = actor_for(acting_user)
    if not actor.unlocks_sign_ins:
        raise PermissionDenied(_("Réservé aux responsables."))
    if not actor.sees_everything and (
        ip_address is not None
        or not Membership.objects.filter(
            user__username=username, organisation_id=actor.organisation_id
        ).exists()
    ):
        raise PermissionDenied(_("Vous ne pouvez débloquer que les comptes de votre organisation."))
    field, value = ("username", username) if username is not None else ("ip_address", ip_address)
    attempts = AccessAttempt.objects.filter(**{field: value})
    # Lock the rows: a failure recorded meanwhile is either forgotten here or counted after.
    first = attempts.select_for_update().order_by("pk").first()
    if first is None:
        return 0
    forgotten = attempts.aggregate(failures=Sum("failures_since_start"), records=Count("pk"))
    reset(**({"username": value} if field == "username" else {"ip": value}))
    account = (
        get_user_model().objects.filter(username=value).first() if field == "username" else None
    )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UNLOCK,
        instance=account or first,
        changes={field: value, "failures": forgotten["failures"]},
    )
    return forgotten["records"]
