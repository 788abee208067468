"""Whose identity a row may no longer show (DESIGN.md section 8, consent ledger).

A person who withdrew a sharing is hidden from that organisation's `visible_to` at once, but
rows about them the organisation may still see (an assistance it recorded, a referral it
received, a return case, a group session's list, and, for IOM officers, every row) would
still carry their name. Every list and page of such rows annotates `identity_withheld` from
here and shows "identité retirée" instead of the person. The organisation that registered the
person always sees them.
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, Value, When

from beneficiaries.choices import ConsentPurpose
from beneficiaries.models import Consent
from partners.access import actor_for


def withdrawn_for(
    user, *, person: str = "beneficiary_id", owner: str = "beneficiary__organisation_id"
):
    """The condition (a Q) under which a row's person (`person`, the field naming them) is
    withheld from `user`: IOM officers, after an `iom_reporting` withdrawal; partner staff,
    after the withdrawal of the `referral` consent naming their organisation. Never for the
    organisation that registered the person (`owner`)."""
    actor = actor_for(user)
    if actor.sees_everything:
        withdrawn = Consent.sharing_withdrawn(ConsentPurpose.IOM_REPORTING, person=person)
    else:
        withdrawn = Consent.sharing_withdrawn(
            ConsentPurpose.REFERRAL, recipient_id=actor.organisation_id, person=person
        )
    return ~Q(**{owner: actor.organisation_id}) & Q(withdrawn)


def identity_withheld(condition: Q) -> Case:
    """The `identity_withheld` annotation for `condition` (from `withdrawn_for`)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


class IdentityWithheldMixin:
    """For querysets of rows naming a person in `beneficiary` (assistances, return cases)."""

    def with_identity_withheld(self, user):
        """Annotate `identity_withheld`: rows about a person who withdrew sharing with the
        viewer's organisation show no identity."""
        return self.annotate(identity_withheld=identity_withheld(withdrawn_for(user)))
