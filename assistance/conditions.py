"""Conditions the assistance app's models share: the category/type rule of their check
constraints, and the partner scope of their `visible_to`."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from assistance.choices import SUBTYPES

# A type belongs to its category: a check constraint of assistances and group sessions.
VALID_CATEGORY_SUBTYPE = reduce(
    or_, (Q(category=category, subtype__in=subtypes) for category, subtypes in SUBTYPES.items())
)


def partner_scope(actor, *, organisation_field: str, beneficiary_field: str | None) -> Q:
    """What a partner's staff see of an aggregate: the rows of their organisation (the
    provider of an assistance, the organisation of a return case) and, given
    `beneficiary_field`, the rows of the people their organisation owns."""
    condition = Q(**{organisation_field: actor.organisation_id})
    if beneficiary_field:
        condition |= Q(**{f"{beneficiary_field}__organisation_id": actor.organisation_id})
    return condition
