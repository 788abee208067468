"""Writes of users and their memberships: the user's place (organisation and role), the
admin access that follows the role, revocation, and the ops commands' upsert; and what the
members page does (partner managers for their organisation, IOM officers for everyone):
invite a user, withdraw and restore their access."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.models import AuditEntry
from partners.access import SYSTEM, forget_actor, require_acting_user
from partners.choices import Role
from partners.models import Membership, Organisation
from partners.selectors import grantable_roles, invitable_organisations
from partners.services.base import apply_fields, check_editable
from partners.services.passwords import temporary_password
from partners.services.tokens import RevokedBecause, api_tokens_revoke_all, end_api_access

MEMBERSHIP_EDITABLE = frozenset({"organisation", "role", "is_active"})


# The apps whose models IOM officers manage in the admin.
ADMIN_APP_LABELS = [
    "frameworks",
    "partners",
    "beneficiaries",
    "assistance",
    "cases",
    "capacity",
    "reporting",
    "bilans",
    "core",
]


def _sync_admin_access(membership: Membership) -> None:
    """The admin is for IOM officers (DESIGN.md section 5): a user is staff, with the
    permissions of the project's models, exactly while their membership is an active IOM
    officer's. Every write of a membership ends here, so promoting someone opens the admin to
    them and demoting or revoking them closes it (a superuser stays staff)."""
    user = membership.user
    officer = membership.is_active and membership.role == Role.IOM_OFFICER
    permissions = Permission.objects.filter(content_type__app_label__in=ADMIN_APP_LABELS)
    if officer:
        user.user_permissions.add(*permissions)
    else:
        user.user_permissions.remove(*permissions)
    is_staff = officer or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def membership_create(
    *,
    user,
    organisation: Organisation,
    role: str,
    is_active: bool = True,
    must_change_password: bool = False,
    acting_user=SYSTEM,
):
    """Give an existing user their place: one organisation and one role (and the admin, to
    an IOM officer). `must_change_password`: someone else chose (and saw) their password."""
    require_acting_user(acting_user)
    membership = Membership(user=user)
    fields = {
        "organisation": organisation,
        "role": role,
        "is_active": is_active,
        "must_change_password": must_change_password,
    }
    changes = apply_fields(membership, fields)
    _sync_admin_access(membership)
    forget_actor(user)
    audit_log(
        actor=acting_user, instance=membership, action=AuditEntry.Action.CREATE, changes=changes
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, acting_user=SYSTEM, **fields) -> Membership:
    """Change a user's organisation or role, or revoke (`is_active=False`) or restore their
    access. A revoked user is signed out of pages and API on their next request; the admin
    follows the role (IOM officers only)."""
    require_acting_user(acting_user)
    check_editable(fields, MEMBERSHIP_EDITABLE, "membership_update")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    changes = apply_fields(membership, fields)
    _sync_admin_access(membership)
    forget_actor(membership.user)
    if not membership.is_active or "organisation_id" in changes:
        end_api_access([membership.user], acting_user=acting_user)
    if changes:
        audit_log(
            actor=acting_user,
            instance=membership,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return membership


@transaction.atomic
def membership_set_language(*, user, language: str, acting_user) -> None:
    """Remember the language `user` picked (the switcher): the messages written for them
    while they are away, the morning digest first, use it. A user without a membership (a
    superuser) keeps the default; an unknown language is refused."""
    require_acting_user(acting_user)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Langue inconnue.")})
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is None or membership.language == language:
        return
    previous = membership.language
    membership.language = language
    membership.save(update_fields=["language"])
    audit_log(
        actor=acting_user,
        instance=membership,
        action=AuditEntry.Action.UPDATE,
        changes={"language": [previous, language]},
    )


@transaction.atomic
def user_upsert(
    *,
    username: str,
    organisation: Organisation,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    validate: bool = True,
    reactivate: bool = False,
    acting_user=SYSTEM,
):
    """Create the user `username` with an active membership, or update its role,
    organisation and password (ops commands). A membership revoked in the admin stays revoked
    unless `reactivate` is True: a deployment script that runs again must not undo a
    revocation. The password is checked by Django's validators unless `validate` is False
    (demo accounts)."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    user = user or User(username=username)
    user.email = email or user.email
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    if password:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
        if created:
            user.set_password(password)
        elif not user.check_password(password):
            # A new password ends the old one's API tokens (and sessions), as on the password
            # pages; the same one given again by a deployment script that runs again keeps
            # them.
            user.set_password(password)
            api_tokens_revoke_all(
                user=user, acting_user=acting_user, reason=RevokedBecause.PASSWORD_RESET
            )
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        membership_create(user=user, organisation=organisation, role=role, acting_user=acting_user)
    else:
        membership_update(
            membership=membership,
            organisation=organisation,
            role=role,
            **({"is_active": True} if reactivate else {}),
            acting_user=acting_user,
        )
    user.refresh_from_db(fields=["is_staff"])  # set by the membership's service
    return user, created


# --- The members page: invite, withdraw and restore access ------------------------------------

# The fields of a new user that the audit trail records (never the password nor its hash).
_INVITE_AUDITED = ("username", "first_name", "last_name", "email")


@transaction.atomic
def member_invite(
    *,
    organisation: Organisation,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    acting_user,
) -> tuple[Membership, str]:
    """Create the user `username` with a membership of `organisation` in `role`, and a
    temporary password, returned to be shown once to whoever invited them (the user changes
    it at their first sign-in). A partner manager invites into their own organisation only,
    as a caseworker or a partner manager; an IOM officer into any active organisation, in a
    role its kind allows (Membership.clean). A username already taken, whatever its case, is
    refused: two accounts told apart only by case would be confused at sign-in."""
    require_acting_user(acting_user)
    roles = grantable_roles(acting_user)
    if not roles:
        raise PermissionDenied(_("Réservé aux responsables partenaires et aux chargé·es OIM."))
    if not invitable_organisations(acting_user).filter(pk=organisation.pk).exists():
        if Role.IOM_OFFICER in roles:
            message = _("Choisissez une organisation active de la liste.")
        else:
            message = _("Vous ne pouvez inviter que dans votre organisation.")
        raise ValidationError({"organisation": message})
    if role not in roles:
        raise ValidationError(
            {"role": _("Vous ne pouvez pas donner ce rôle : choisissez-en un de la liste.")}
        )
    User = get_user_model()
    username = username.strip()
    if username and User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Cet identifiant est déjà pris.")})
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )
    user.full_clean(exclude=["password"])
    password = temporary_password(user)
    user.set_password(password)
    user.save()
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.CREATE,
        instance=user,
        changes={name: [None, getattr(user, name)] for name in _INVITE_AUDITED},
    )
    membership = membership_create(
        user=user,
        organisation=organisation,
        role=role,
        must_change_password=True,
        acting_user=acting_user,
    )
    return membership, password


def _looked_after(membership: Membership, acting_user) -> Membership:
    """`membership`, locked, if `acting_user` looks after it and may change its access: not
    their own, and a superuser's only for a superuser."""
    require_acting_user(acting_user)
    locked = (
        Membership.objects.visible_to(acting_user)
        .select_for_update()
        .select_related("user", "organisation")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("Vous ne gérez pas cet utilisateur."))
    if locked.user_id == getattr(acting_user, "pk", None):
        raise ValidationError(_("Vous ne pouvez pas modifier votre propre accès."))
    if locked.user.is_superuser and not getattr(acting_user, "is_superuser", False):
        raise PermissionDenied(_("Seul un super-administrateur modifie ce compte."))
    return locked


@transaction.atomic
def membership_deactivate(*, membership: Membership, acting_user) -> Membership:
    """Withdraw a member's access, for their partner manager or an IOM officer: they cannot
    sign in any more, their open sessions end at their next request and their API tokens are
    revoked now (membership_update). No one withdraws their own access."""
    locked = _looked_after(membership, acting_user)
    return membership_update(membership=locked, is_active=False, acting_user=acting_user)


@transaction.atomic
def membership_reactivate(*, membership: Membership, acting_user) -> Membership:
    """Restore a member's access (same people as membership_deactivate). Their old API
    tokens stay revoked; their password is unchanged."""
    locked = _looked_after(membership, acting_user)
    return membership_update(membership=locked, is_active=True, acting_user=acting_user)
