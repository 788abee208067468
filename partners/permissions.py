"""Role checks, in one place: who may write on behalf of which organisation (services call
these before any write), and which roles a page is for (views call these first).

Object scoping itself is each queryset's `visible_to(user)`; these only gate by role.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from partners.access import Actor, actor_for
from partners.choices import Role
from partners.models import Organisation

# --- Services ---------------------------------------------------------------------------------


def require_writer(user) -> Actor:
    """Partner staff and IOM officers record data; donors and users without a role never do."""
    actor = actor_for(user)
    if not actor.works_on_records:
        raise PermissionDenied(_("Votre rôle ne permet pas d'enregistrer des données."))
    return actor


def acting_organisation_id(user, organisation=None) -> int:
    """The organisation a write is made for: the user's own; an IOM officer may name another."""
    actor = require_writer(user)
    requested = getattr(organisation, "pk", organisation)
    if actor.sees_everything:
        chosen = requested or actor.organisation_id
        if not chosen:
            raise PermissionDenied(_("Précisez l'organisation."))
        if requested and requested != actor.organisation_id:
            require_record_keeper(requested, field="organisation")
        return chosen
    if requested and requested != actor.organisation_id:
        raise PermissionDenied(_("Vous ne pouvez enregistrer que pour votre organisation."))
    return actor.organisation_id


def require_record_keeper(organisation, *, field: str) -> None:
    """People, assistances and referrals belong to an active partner or to IOM, never to a
    donor nor to an organisation that was closed: a ValidationError on `field` otherwise."""
    organisation_id = getattr(organisation, "pk", organisation)
    if not Organisation.objects.record_keepers().filter(pk=organisation_id).exists():
        raise ValidationError(
            {field: _("Choisissez un partenaire actif ou l'OIM (pas un bailleur).")}
        )


def require_manager(user) -> Actor:
    actor = actor_for(user)
    if not (actor.sees_everything or actor.role == Role.PARTNER_MANAGER):
        raise PermissionDenied(_("Réservé aux responsables."))
    return actor


def require_officer(user) -> Actor:
    """IOM officers only (bilans, closing and reopening periods)."""
    actor = actor_for(user)
    if not actor.sees_everything:
        raise PermissionDenied(_("Réservé aux chargé·es OIM."))
    return actor


# --- Pages --------------------------------------------------------------------------------------
# Pages of personal records and of IOM's own tools answer 404 to the other roles, as for an
# object out of scope: a page's existence is not for them. The reporting tools answer 403.


def require_case_staff(request) -> Actor:
    """Personal records are for partner staff and IOM only; anyone else gets a 404."""
    actor = actor_for(request.user)
    if not actor.works_on_records:
        raise Http404
    return actor


def require_iom_staff(request) -> Actor:
    """Pages for IOM officers only (bilans, closed periods); anyone else gets a 404."""
    actor = actor_for(request.user)
    if not actor.sees_everything:
        raise Http404
    return actor


def require_sign_in_keeper(request) -> Actor:
    """The locked sign-ins page: IOM officers and partner managers; anyone else gets a 404."""
    actor = actor_for(request.user)
    if not actor.unlocks_sign_ins:
        raise Http404
    return actor


def require_portal_user(request) -> Actor:
    """The donor portal: donors, and IOM officers who look at it as a donor would."""
    actor = actor_for(request.user)
    if not (actor.is_donor or actor.sees_everything):
        raise Http404
    return actor


def officer_required(view):
    """A view for IOM officers only (DESIGN.md §5: dashboards and data quality are theirs):
    sign-in first, then 403 for the other roles."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not actor_for(request.user).sees_everything:
            raise PermissionDenied(_("Réservé aux chargé·es de l'OIM."))
        return view(request, *args, **kwargs)

    return wrapper
