"""Writes of passwords: a user changes their own (the change page, or the link of the reset
e-mail), a manager or an IOM officer resets someone else's when no mail server is configured.

Either way the old password's API tokens die, and so do the user's other sessions: Django
checks each session against a hash of the password on every request (the page that made the
change keeps its own session with `update_session_auth_hash`). The audit trail records that
a password changed, never the password nor its hash.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.models import AuditEntry
from partners.access import forget_actor, require_acting_user
from partners.models import Membership
from partners.services.lockouts import sign_in_unlock
from partners.services.tokens import RevokedBecause, api_tokens_revoke_all

# Temporary passwords: no look-alike characters (0/O, 1/l/I), read aloud or typed from a note.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP_LENGTH = 4, 4  # "k7fq-2mzp-x9cw-h4tr": about 79 bits
_ATTEMPTS = 5


def _validated(password: str, user) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    return password


def temporary_password(user) -> str:
    """A random password that Django's validators accept for `user` (a few draws at most)."""
    for _attempt in range(_ATTEMPTS):
        password = "-".join(
            "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
        )
        try:
            return _validated(password, user)
        except ValidationError:
            continue
    raise RuntimeError("no temporary password passed the validators")  # pragma: no cover


def _set_password(user, password: str, *, acting_user, reason: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    api_tokens_revoke_all(user=user, acting_user=acting_user, reason=reason)
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=user,
        changes={"password": reason},
    )


@transaction.atomic
def password_change(*, user, password: str, acting_user) -> None:
    """`user` sets their own new password (the change page, or the reset e-mail's link):
    their API tokens are revoked, and a reset's "change it at next sign-in" is done."""
    require_acting_user(acting_user)
    if getattr(acting_user, "pk", None) != user.pk:
        raise PermissionDenied(_("Chacun change son propre mot de passe."))
    _set_password(
        user,
        _validated(password, user),
        acting_user=acting_user,
        reason=RevokedBecause.PASSWORD_CHANGED,
    )
    Membership.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    forget_actor(user)


@transaction.atomic
def password_reset_by_staff(*, membership: Membership, acting_user, password: str = "") -> str:
    """Reset the password of `membership`'s user, for a partner manager (their own
    organisation's members) or an IOM officer (anyone): `password` if given (it must pass the
    validators), else a random one. Returns it, to show once to the one who reset it.

    The user's API tokens are revoked and their sessions end; they must change the password
    at their next sign-in, since someone else has seen it. A sign-in lock on the username is
    lifted in the same audited step (whoever forgot their password has likely locked it). No
    one resets their own password
    here (the change page asks for the current one), and only a superuser resets a
    superuser's (an officer must not become one by signing in with a password they chose).
    """
    require_acting_user(acting_user)
    membership = (
        Membership.objects.visible_to(acting_user)
        .select_for_update()
        .select_related("user")
        .filter(pk=membership.pk)
        .first()
    )
    if membership is None:
        raise PermissionDenied(_("Vous ne gérez pas cet utilisateur."))
    user = membership.user
    if user.pk == getattr(acting_user, "pk", None):
        raise ValidationError(
            _("Pour votre propre mot de passe, utilisez la page « Changer mon mot de passe ».")
        )
    if user.is_superuser and not getattr(acting_user, "is_superuser", False):
        raise PermissionDenied(_("Seul un super-administrateur réinitialise ce compte."))
    password = _validated(password, user) if password else temporary_password(user)
    _set_password(user, password, acting_user=acting_user, reason=RevokedBecause.PASSWORD_RESET)
    membership.must_change_password = True
    membership.save(update_fields=["must_change_password"])
    sign_in_unlock(username=user.get_username(), acting_user=acting_user)
    forget_actor(user)
    return password


@transaction.atomic
def password_set_in_admin(*, user, acting_user) -> None:
    """What a password set on Django's admin form (superusers only) must bring, as on the
    project's own pages: the user's API tokens revoked and the change audited. The form
    itself saved the password and ended the user's other sessions."""
    require_acting_user(acting_user)
    api_tokens_revoke_all(user=user, acting_user=acting_user, reason=RevokedBecause.PASSWORD_RESET)
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=user,
        changes={"password": RevokedBecause.PASSWORD_RESET},
    )
