"""The access log as it concerns people (core.access keeps it): what the person's pages and
API record beyond a plain view, and the "who viewed this file" panel of the person's file."""

from __future__ import annotations

from django.db.models import CharField, OuterRef, Subquery

from beneficiaries.models import Beneficiary
from core import access
from core.models import AccessEntry
from partners.access import actor_for
from partners.choices import Role
from partners.models import Organisation

HISTORY_SIZE = 10
PERSON_MODEL = Beneficiary._meta.label_lower


def record_duplicate_search(request, query: dict, check) -> None:
    """Log that a duplicate check ran (it tells whether another organisation holds a named
    person): who, how many of their own matched, whether another organisation has a match,
    and a keyed digest of the names searched (core.access.search_digest), never the names."""
    access.record(
        request,
        access.Action.DUPLICATE_SEARCH,
        row_count=len(check.own),
        details={
            "digest": access.search_digest(
                query.get("first_name"),
                query.get("last_name"),
                query.get("date_of_birth") or query.get("birth_year"),
            ),
            "elsewhere": check.elsewhere,
        },
    )


def may_read_access_history(user, person: Beneficiary) -> bool:
    """IOM officers, and the managers of the organisation that holds the file: not its
    caseworkers, not a partner it was referred to, never a donor."""
    actor = actor_for(user)
    if actor.sees_everything:
        return True
    return actor.role == Role.PARTNER_MANAGER and actor.organisation_id == person.organisation_id


def access_history(*, user, person: Beneficiary, limit: int = HISTORY_SIZE):
    """The last `limit` accesses to the person's file (who, when, what, from which
    organisation), for those who may read them (`may_read_access_history`); None for the
    others. One query."""
    if not may_read_access_history(user, person):
        return None
    organisation_name = Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")
    return list(
        AccessEntry.objects.filter(model=PERSON_MODEL, object_id=str(person.pk))
        .select_related("user")
        .annotate(organisation_name=Subquery(organisation_name[:1], output_field=CharField()))
        .order_by("-at", "-id")[:limit]
    )
