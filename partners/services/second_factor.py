"""Writes of the second factor: enrolling an authenticator app, backup codes, and resetting
another user's second factor (partners.second_factor says who needs one)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_log
from core.models import AuditEntry
from partners import second_factor
from partners.access import SYSTEM, actor_for, require_acting_user
from partners.choices import Role

APP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


def _require_self(user, acting_user) -> None:
    """Only the user themselves enrols (or the operator, for the demo)."""
    if acting_user is not SYSTEM and getattr(acting_user, "pk", None) != user.pk:
        raise PermissionDenied(_("Seul·e l'utilisateur·rice active son second facteur."))


@transaction.atomic
def second_factor_enrol_start(*, user, acting_user) -> TOTPDevice:
    """The user's authenticator app waiting for confirmation: a new secret (an unconfirmed
    device, which signs nothing in) or the one already waiting, so that reloading the page
    shows the same QR code."""
    require_acting_user(acting_user)
    _require_self(user, acting_user)
    waiting = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if waiting is not None:
        return waiting
    device = TOTPDevice(user=user, name=APP_DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


@transaction.atomic
def second_factor_enrol_confirm(*, device: TOTPDevice, code: str, acting_user) -> list[str]:
    """Confirm the waiting authenticator app with a current code from it: it replaces any
    app enrolled before, and a fresh set of backup codes is made. Returns the backup codes
    (shown once: only the codes are kept, never shown again). A ValidationError on `code`
    when the code is wrong."""
    require_acting_user(acting_user)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
    _require_self(device.user, acting_user)
    if not device.verify_token(second_factor.normalise(code)):
        raise ValidationError({"code": _("Code incorrect ou expiré.")})
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(device.user)
    second_factor.forget(device.user)
    audit_log(
        actor=acting_user,
        instance=device.user,
        action=AuditEntry.Action.UPDATE,
        changes={"second_factor": [None, "enrolled"]},
    )
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user, acting_user) -> list[str]:
    """New backup codes for `user` (the old ones stop working), returned to be shown once."""
    require_acting_user(acting_user)
    _require_self(user, acting_user)
    codes = _new_backup_codes(user)
    audit_log(
        actor=acting_user,
        instance=user,
        action=AuditEntry.Action.UPDATE,
        changes={"second_factor": [None, "backup codes renewed"]},
    )
    return codes


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = []
    while len(codes) < second_factor.BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    second_factor.forget(user)
    return codes


def may_reset(acting_user, user) -> bool:
    """IOM officers reset anyone's second factor; a partner manager, the members of their own
    organisation's; a user, their own when the rule does not ask them for one."""
    actor = actor_for(acting_user)
    if actor.sees_everything:
        return True
    if (
        actor.role == Role.PARTNER_MANAGER
        and actor_for(user).organisation_id == actor.organisation_id
    ):
        return True
    if getattr(acting_user, "pk", None) == user.pk:
        return not second_factor.second_factor_required(user)
    return False


@transaction.atomic
def second_factor_reset(*, user, acting_user) -> int:
    """Delete every second-factor device of `user` (app and backup codes): whoever needs one
    enrols again at their next step in the application (their sessions stop being verified
    at once). Returns how many devices were deleted; audited."""
    require_acting_user(acting_user)
    if acting_user is not SYSTEM and not may_reset(acting_user, user):
        raise PermissionDenied(
            _("Vous ne pouvez pas réinitialiser le second facteur de ce compte.")
        )
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        _count, by_model = model.objects.filter(user=user).delete()
        deleted += by_model.get(model._meta.label, 0)
    second_factor.forget(user)
    audit_log(
        actor=acting_user,
        instance=user,
        action=AuditEntry.Action.UPDATE,
        changes={"second_factor": ["enrolled" if deleted else None, "reset"]},
    )
    return deleted
