"""Reads of the bilans app: the bilans a user may see, the donor portal."""

from __future__ import annotations

from django.db.models import Max

from bilans.models import BilanSnapshot
from partners.access import actor_for
from partners.models import Project


def next_version(snapshot: BilanSnapshot) -> int:
    """The version a snapshot gets in its series (scope, project, period, provider cut,
    language; the mission's series have neither project nor provider)."""
    latest = BilanSnapshot.objects.filter(
        scope=snapshot.scope,
        project_id=snapshot.project_id,
        start=snapshot.start,
        end=snapshot.end,
        organisation_id=snapshot.organisation_id,
        language=snapshot.language,
        version__isnull=False,
    ).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def snapshots_for(user):
    """The bilans `user` may see, newest first, with what the lists print."""
    return BilanSnapshot.objects.visible_to(user).select_related(
        "project", "project__donor", "organisation", "requested_by", "published_by"
    )


def donor_projects(user):
    """The projects a donor funds (every project for IOM officers), for the portal."""
    actor = actor_for(user)
    if not (actor.sees_everything or actor.is_donor):
        return Project.objects.none()
    return (
        Project.objects.visible_to(user)
        .select_related("donor")
        .prefetch_related("partners", "cities")
        .order_by("-start", "code")
    )
