"""Reads of the reporting app: who may see which bilan, cut how."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from core.access import actor_for
from partners.choices import Role
from partners.models import Organisation, Project


@dataclass(frozen=True)
class BilanScope:
    """What a user may receive of one project's bilan.

    `organisation` is the provider the figures are cut to (None: all providers);
    `donor_facing` says that small-cell suppression applies (DESIGN.md §3 "Small cells").
    """

    project: Project
    organisation: Organisation | None
    donor_facing: bool


def bilan_scope_for(user, project: str, organisation: str | None = None) -> BilanScope:
    """The one rule of who gets which bilan (DESIGN.md §5), for the API, pages and exports.

    - IOM officer: any project, optionally cut to any organisation.
    - partner manager: only projects its organisation implements, always cut to its own
      organisation (naming another one is out of scope).
    - donor: only projects it funds (optionally cut to a provider); suppression applies.
    - caseworker, users without a role, anonymous: PermissionDenied.

    `project` is a project code, `organisation` an organisation slug. A project or an
    organisation out of scope raises Http404, exactly like one that does not exist.
    """
    actor = actor_for(user)
    if not (actor.sees_everything or actor.role == Role.PARTNER_MANAGER or actor.is_donor):
        raise PermissionDenied(_("Votre rôle ne donne pas accès aux bilans."))
    projects = Project.objects.select_related("donor")
    if actor.role == Role.PARTNER_MANAGER and not actor.sees_everything:
        if not actor.organisation_id:
            raise PermissionDenied(_("Votre rôle ne donne pas accès aux bilans."))
        projects = projects.filter(partners__id=actor.organisation_id)
    elif actor.is_donor and not actor.sees_everything:
        projects = projects.filter(donor_id=actor.organisation_id)
    found = projects.filter(code=project).first()
    if found is None:
        raise Http404(_("Projet introuvable."))

    chosen = None
    if organisation:
        chosen = Organisation.objects.filter(slug=organisation).first()
        if chosen is None:
            raise Http404(_("Organisation introuvable."))
    if actor.role == Role.PARTNER_MANAGER and not actor.sees_everything:
        if chosen is not None and chosen.pk != actor.organisation_id:
            raise Http404(_("Organisation introuvable."))
        chosen = chosen or Organisation.objects.get(pk=actor.organisation_id)
    return BilanScope(
        project=found,
        organisation=chosen,
        donor_facing=actor.is_donor and not actor.sees_everything,
    )
