"""Reads of the beneficiaries app that are more than a one-liner, always scoped to a user."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import BigIntegerField, DateField, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Greatest, Substr, TruncDate, Upper

from beneficiaries import hooks
from beneficiaries.models import Beneficiary
from partners.access import actor_for
from partners.models import Organisation, ReferenceSequence, default_reference_prefix

SIMILARITY_THRESHOLD = 0.45


@dataclass
class DuplicateCheck:
    """Possible matches a user may see, and whether another organisation has a match (which
    is signalled without revealing anything about it)."""

    own: list[Beneficiary]
    elsewhere: bool


# Each name, taken on its own, must look alike too: a shared family name alone (every
# "Alaoui" of the city) is not a possible duplicate.
PART_SIMILARITY_THRESHOLD = 0.3


def _name_similarity(first_name: str, last_name: str):
    return (
        TrigramSimilarity(Upper("first_name"), first_name.upper())
        + TrigramSimilarity(Upper("last_name"), last_name.upper())
    ) / 2.0


def _both_names_alike(first_name: str, last_name: str):
    """(condition, annotations): both given names resemble their counterparts, in the same
    or swapped order (first and last names are often recorded the other way round)."""
    first, last = first_name.upper(), last_name.upper()
    threshold = PART_SIMILARITY_THRESHOLD
    same_order = Q(_first_sim__gte=threshold, _last_sim__gte=threshold)
    swapped = Q(_first_swap__gte=threshold, _last_swap__gte=threshold)
    return same_order | swapped, {
        "_first_sim": TrigramSimilarity(Upper("first_name"), first),
        "_last_sim": TrigramSimilarity(Upper("last_name"), last),
        "_first_swap": TrigramSimilarity(Upper("first_name"), last),
        "_last_swap": TrigramSimilarity(Upper("last_name"), first),
    }


def beneficiary_possible_duplicates(
    *,
    user,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
    birth_year: int | None = None,
    exclude_pk: int | None = None,
    limit: int = 10,
) -> DuplicateCheck:
    """People whose names are close (trigram similarity, tolerant to typos and
    transliteration) and whose birth year, when both are known, is within one year."""
    if not (first_name or last_name):
        return DuplicateCheck(own=[], elsewhere=False)
    year = date_of_birth.year if date_of_birth else birth_year
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    similarity = _name_similarity(first_name, last_name)
    if first_name and last_name:
        swapped = _name_similarity(last_name, first_name)
        similarity = Greatest(similarity, swapped)
    candidates = (
        Beneficiary.objects.active()
        .annotate(similarity=similarity)
        .filter(similarity__gte=SIMILARITY_THRESHOLD)
    )
    if first_name and last_name:
        condition, parts = _both_names_alike(first_name, last_name)
        candidates = candidates.annotate(**parts).filter(condition)
    if year:
        candidates = candidates.filter(
            Q(date_of_birth__isnull=True, birth_year__isnull=True)
            | Q(date_of_birth__year__range=(year - 1, year + 1))
            | Q(birth_year__range=(year - 1, year + 1))
        )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    actor = actor_for(user)
    own_scope = candidates.filter(organisation_id=actor.organisation_id)
    if actor.sees_everything:
        own_scope = candidates
    own = list(
        own_scope.select_related("city", "organisation").order_by(F("similarity").desc(), "id")[
            :limit
        ]
    )
    elsewhere = (
        not actor.sees_everything
        and bool(actor.organisation_id)
        and candidates.exclude(organisation_id=actor.organisation_id).exists()
    )
    return DuplicateCheck(own=own, elsewhere=elsewhere)


def beneficiary_search(
    *, user, query: str, queryset: QuerySet[Beneficiary] | None = None
) -> QuerySet[Beneficiary]:
    """Visible people matching a name query, best matches first; typo tolerant.

    `queryset` narrows further (a FilterSet passes its own); scoping is applied regardless.
    """
    base = Beneficiary.objects if queryset is None else queryset
    queryset = base.visible_to(user).active()
    query = (query or "").strip()
    if not query:
        return queryset
    upper = query.upper()
    return (
        queryset.annotate(
            similarity=Greatest(
                TrigramSimilarity(Upper("first_name"), upper),
                TrigramSimilarity(Upper("last_name"), upper),
                TrigramSimilarity(Upper("beneficiary_ref"), upper),
            )
        )
        .filter(
            Q(similarity__gte=0.3)
            | Q(beneficiary_ref__iexact=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
        )
        .order_by(F("similarity").desc(), "last_name", "id")
    )


# --- Case-file references --------------------------------------------------------------------


def _highest_number(organisation_id: int, prefix: str) -> int:
    """The highest number among the organisation's references written as `prefix` followed
    by digits only (0 if none)."""
    numbered = Beneficiary.objects.filter(
        organisation_id=organisation_id,
        beneficiary_ref__regex=rf"^{re.escape(prefix)}[0-9]{{1,9}}$",
    ).annotate(number=Cast(Substr("beneficiary_ref", len(prefix) + 1), BigIntegerField()))
    return numbered.aggregate(highest=Max("number"))["highest"] or 0


def reference_sequence_of(organisation_id: int) -> ReferenceSequence:
    """The organisation's numbering; for one that has never numbered a file, a new (unsaved)
    one: the prefix derived from its identifier, counting on from any reference already
    typed in that form."""
    sequence = ReferenceSequence.objects.filter(pk=organisation_id).first()
    if sequence is not None:
        return sequence
    slug = Organisation.objects.values_list("slug", flat=True).get(pk=organisation_id)
    prefix = default_reference_prefix(slug)
    return ReferenceSequence(
        organisation_id=organisation_id,
        prefix=prefix,
        last_number=_highest_number(organisation_id, prefix),
    )


def next_reference_number(sequence: ReferenceSequence) -> int:
    """The number after the sequence's last one or, when that reference was already typed
    by hand, the one after the highest reference in the organisation's format."""
    number = sequence.last_number + 1
    taken = Beneficiary.objects.filter(
        organisation_id=sequence.organisation_id, beneficiary_ref=sequence.reference(number)
    )
    if taken.exists():
        number = max(number, _highest_number(sequence.organisation_id, sequence.prefix)) + 1
    return number


def beneficiary_reference_proposal(*, user) -> str:
    """The reference the registration form proposes: the organisation's next one, read
    without reserving it (it is taken when the person is saved with it)."""
    organisation_id = actor_for(user).organisation_id
    if not organisation_id:
        return ""
    sequence = reference_sequence_of(organisation_id)
    return sequence.reference(next_reference_number(sequence))


# --- Retention (DESIGN.md §8) -----------------------------------------------------------------


def with_last_activity(people: QuerySet) -> QuerySet:
    """`people` annotated with `last_activity`: the date a retention period runs from.

    Until the case work of DESIGN.md §7 exists, a person's file has no closure date, so it is
    the latest of: their registration, the last change to their record, and each registered
    app's latest record of them (beneficiaries.hooks.register_erasure; assistance: the last
    assistance delivered or planned, the last referral event, the last return case event),
    their merged duplicates' included. When the `cases` app lands, the closure date of the
    person's last case replaces this (a person with an open case never expires): change this
    selector, and only it.
    """
    return people.annotate(
        last_activity=Greatest(
            F("registered_on"),
            TruncDate("updated_at"),
            *hooks.last_activity_expressions(),
            output_field=DateField(),
        )
    )


def years_before(day: datetime.date, years: int) -> datetime.date:
    """`day`, `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_expired(*, organisation: Organisation, today: datetime.date) -> QuerySet:
    """The records of `organisation` whose retention period has passed: kept (not merged)
    records, not yet pseudonymised, not under a legal hold (nor one merged into them), whose
    last activity is at least `organisation.retention_years` before `today` (5 years after
    an activity on 1 March 2020, the record expires on 1 March 2025). Ordered by id, so that
    a bounded read (a slice, from a given id on) stops scanning as soon as it has its
    records: a person's last activity is a few indexed subqueries, and a night's run reads
    each record once at most.

    Not scoped to a user: the retention run (beneficiaries.services.retention_apply) is an
    operator's, and says so."""
    cutoff = years_before(today, organisation.retention_years)
    candidates = Beneficiary.objects.filter(
        organisation=organisation,
        merged_into__isnull=True,
        pseudonymised_at__isnull=True,
        legal_hold=False,
    ).exclude(Exists(Beneficiary.objects.filter(merged_into=OuterRef("pk"), legal_hold=True)))
    return with_last_activity(candidates).filter(last_activity__lte=cutoff).order_by("pk")
