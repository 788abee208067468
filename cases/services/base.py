"""What the case services share: finding the case a user may write on, and who may be given
work on it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cases.models import Case
from partners.access import actor_for
from partners.choices import Role
from partners.models import Membership
from partners.permissions import require_writer

# The roles that carry cases: the organisation's caseworkers and managers (IOM's officers for
# IOM's own cases).
CASE_HOLDER_ROLES = (Role.CASEWORKER, Role.PARTNER_MANAGER, Role.IOM_OFFICER)


def manages_cases(user) -> bool:
    """Partner managers (their organisation's cases) and IOM officers (IOM's own): who gives
    cases to others, one or all of a leaving member's (which cases: `writable_by`)."""
    actor = actor_for(user)
    return actor.sees_everything or actor.role == Role.PARTNER_MANAGER


def writable_case(acting_user, case: Case) -> Case:
    """The case, locked, if `acting_user` works for its organisation (PermissionDenied
    otherwise: the views have already answered 404 to anyone who cannot see it)."""
    require_writer(acting_user)
    found = Case.objects.writable_by(acting_user).select_for_update().filter(pk=case.pk).first()
    if found is None:
        raise PermissionDenied(_("Ce dossier n'est pas accessible."))
    return found


def require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("Ce dossier est clôturé : rouvrez-le d'abord."))


def check_case_holder(user, *, organisation_id: int, field: str) -> None:
    """`user` must be an active member of the case's organisation who carries cases: a case
    is never given to another organisation's user (ValidationError on `field`)."""
    if user is None:
        return
    holds = Membership.objects.filter(
        user=user,
        organisation_id=organisation_id,
        is_active=True,
        role__in=CASE_HOLDER_ROLES,
        user__is_active=True,
    ).exists()
    if not holds:
        raise ValidationError(
            {field: _("Choisissez une personne active de l'organisation qui tient le dossier.")}
        )
