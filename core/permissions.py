"""Who may write on behalf of which organisation. Services call these before any write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.access import Actor, actor_for
from partners.choices import Role


def require_writer(user) -> Actor:
    """Partner staff and IOM officers record data; donors and users without a role never do."""
    actor = actor_for(user)
    if not (actor.sees_everything or actor.is_partner_staff):
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
    from partners.models import Organisation

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
