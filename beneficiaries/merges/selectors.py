"""Reads for merging duplicates, always scoped to a user: the records a person's file offers
to merge with it, and the merges a user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beneficiaries.merges.services import may_merge, mergeable
from beneficiaries.models import Beneficiary, BeneficiaryMerge
from beneficiaries.selectors import beneficiary_possible_duplicates
from partners.access import actor_for

CANDIDATES = 10


def _mergeable_with(user, person: Beneficiary) -> QuerySet[Beneficiary]:
    """The records `user` may merge with `person`: visible, not merged, not pseudonymised,
    another record; for a partner manager, of their own organisation."""
    people = (
        Beneficiary.objects.visible_to(user)
        .active()
        .filter(pseudonymised_at__isnull=True)
        .exclude(pk=person.pk)
        .select_related("city", "organisation")
    )
    actor = actor_for(user)
    if not actor.sees_everything:
        people = people.filter(organisation_id=actor.organisation_id)
    return people


def merge_candidates(*, user, person: Beneficiary) -> list[Beneficiary]:
    """The possible duplicates of `person` (beneficiaries.selectors.
    beneficiary_possible_duplicates: similar names, close birth years) that `user` may merge
    with them, best matches first."""
    if not (may_merge(user, person) and mergeable(person)):
        return []
    check = beneficiary_possible_duplicates(
        user=user,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.date_of_birth,
        birth_year=person.birth_year,
        exclude_pk=person.pk,
        limit=CANDIDATES,
    )
    allowed = set(
        _mergeable_with(user, person)
        .filter(pk__in=[c.pk for c in check.own])
        .values_list("pk", flat=True)
    )
    return [candidate for candidate in check.own if candidate.pk in allowed]


def merge_search(*, user, person: Beneficiary, query: str) -> list[Beneficiary]:
    """The records `user` may merge with `person` whose case-file reference is `query`
    (any case), or whose number (id) it is."""
    query = (query or "").strip()
    if not query or not (may_merge(user, person) and mergeable(person)):
        return []
    match = Q(beneficiary_ref__iexact=query)
    if query.isdigit() and len(query) < 12:
        match |= Q(pk=int(query))
    found = _mergeable_with(user, person).filter(match).order_by("organisation__name", "pk")
    return list(found[:CANDIDATES])


def merges_of(*, user, person: Beneficiary) -> list[BeneficiaryMerge]:
    """The merges `person` took part in (as duplicate or kept record) that `user` may see
    (both records visible), latest first."""
    return list(
        BeneficiaryMerge.objects.visible_to(user)
        .of(person)
        .select_related("duplicate", "keep", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )


def merges_visible(*, user) -> QuerySet[BeneficiaryMerge]:
    """Every merge `user` may see, latest first (the officers' list of merges)."""
    return (
        BeneficiaryMerge.objects.visible_to(user)
        .select_related("duplicate__organisation", "keep__organisation", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )
