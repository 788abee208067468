"""The second factor: who needs one, and checking a code (DESIGN.md section 8, "Sign-in").

The rule is written once, here (`second_factor_required`): IOM officers, partner managers,
superusers and admin (staff) users always; the other members of an organisation that asks it
of all its members (`Organisation.requires_second_factor`, set by IOM officers in the admin).
Anyone may enrol of their own accord; once enrolled they are asked for it at every sign-in
too (`second_factor_due`), or enrolling would protect nothing.

A code is a current code of the user's authenticator app (TOTP, six digits) or one of their
backup codes (each works once). django-otp keeps the devices, consumes used codes and makes
the wait after wrong codes grow (its throttling: 1 s, 2 s, 4 s… per device).

Who reads this: the enforcement middleware (partners.second_factor_middleware), the
second-factor pages (partners.second_factor_views), the API's token endpoint (partners.api.tokens)
and the demo.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.access import actor_for, forget_actor
from partners.choices import Role

# Roles that always need a second factor, whatever their organisation says.
ROLES_REQUIRING = frozenset({Role.IOM_OFFICER, Role.PARTNER_MANAGER})
BACKUP_CODE_COUNT = 10
_CACHE_ATTR = "_iom_second_factor"
_TOTP_CODE = re.compile(r"^\d{6}$")


def _role_requires(user) -> bool:
    if user.is_superuser or user.is_staff:
        return True
    return actor_for(user).role in ROLES_REQUIRING


def enrolled_subquery(user_ref: str = "user_id"):
    """SQL: whether the user (`user_ref`, an outer column) has a confirmed authenticator app or
    backup codes left. partners.access reads it with the membership, at no extra query."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef(user_ref), confirmed=True)) | Exists(
        StaticToken.objects.filter(device__user=OuterRef(user_ref), device__confirmed=True)
    )


def _facts(user) -> tuple[bool, bool]:
    """(required, enrolled) for `user`, cached on the user for the request: read with the
    membership (partners.access.actor_for); one query for a user without one (a superuser)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    actor = actor_for(user)
    if actor.second_factor is not None:
        organisation_requires, enrolled = actor.second_factor
        facts = (_role_requires(user) or bool(organisation_requires), bool(enrolled))
    else:
        enrolled = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(enrolled=enrolled_subquery("pk"))
            .values_list("enrolled", flat=True)
            .first()
        )
        facts = (_role_requires(user), bool(enrolled))
    setattr(user, _CACHE_ATTR, facts)
    return facts


def forget(user) -> None:
    """Drop the cached facts (after an enrolment or a reset in the same request), and the
    scoping facts they are read with."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    forget_actor(user)


def second_factor_required(user) -> bool:
    """Whether the rule asks `user` for a second factor: IOM officers, partner managers,
    superusers and staff always; the other members of an organisation that requires it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return False
    return _facts(user)[0]


def has_second_factor(user) -> bool:
    """Whether `user` can complete a second factor now: a confirmed authenticator app, or
    backup codes left."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return False
    return _facts(user)[1]


def second_factor_due(user) -> bool:
    """Whether `user` must give a second factor to use the application: the rule asks it of
    them, or they enrolled of their own accord."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return False
    required, enrolled = _facts(user)
    return required or enrolled


def is_verified(request) -> bool:
    """Whether this session's user gave their second factor (django-otp's middleware reads
    the device remembered in the session, and forgets it when it was deleted)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def normalise(code) -> str:
    """A code as typed: spaces and dashes dropped, lower case (backup codes)."""
    return re.sub(r"[\s-]", "", str(code or "")).lower()


def verify_code(user, code):
    """The device that accepts `code` for `user` (used up if it is a backup code); a
    ValidationError saying why otherwise. Six digits are checked against the authenticator
    app only, anything else against the backup codes only, so that a backup code typed never
    counts as a wrong app code (nor the reverse) in django-otp's back-off."""
    code = normalise(code)
    if not code:
        raise ValidationError(_("Saisissez le code de votre application ou un code de secours."))
    model = TOTPDevice if _TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
        )
        if devices and not any(device.verify_is_allowed()[0] for device in devices):
            raise ValidationError(
                _("Trop de codes erronés : attendez une minute avant de réessayer."),
                code="throttled",
            )
        for device in devices:
            if device.verify_token(code):
                forget(user)
                return device
    raise ValidationError(_("Code incorrect ou expiré."), code="invalid")


def check_token_request(user, code) -> None:
    """The API's token endpoint (partners.api.tokens): a user who must give a second factor
    sends a current code (`otp`) with their password; one who has none yet enrols on the web
    first. A ValidationError on `otp` otherwise."""
    if not second_factor_due(user):
        return
    if not has_second_factor(user):
        raise ValidationError(
            {
                "otp": _(
                    "Un second facteur est exigé pour ce compte : activez-le d'abord en vous "
                    "connectant au site web, puis demandez le jeton avec un code (champ otp)."
                )
            }
        )
    if not normalise(code):
        raise ValidationError(
            {
                "otp": _(
                    "Un second facteur est exigé pour ce compte : envoyez dans le champ otp le "
                    "code de votre application ou un code de secours."
                )
            }
        )
    try:
        verify_code(user, code)
    except ValidationError as refusal:
        raise ValidationError({"otp": refusal.messages}) from None
