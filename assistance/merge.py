"""assistance's part of a merge of duplicate records and of its undo (beneficiaries.merges),
registered with beneficiaries.hooks.register_merge in AssistanceConfig.ready.

A person's assistances, referrals and return cases follow their record when it is merged into
another, and go back when the merge is undone: one `move` and one `restore` per relation, each
a single UPDATE. The fact table follows by itself (reporting's triggers rebuild the facts of
the rows moved, with the person they now count for).

A merge may be undone only while no figure it changed has been published: `undo_refusal`
refuses it when a delivered assistance of the records lies in a period an IOM officer closed
(partners.ClosedPeriod in force for the row's project, the row's date within its bounds: the
rule assistance.rules applies to every write of an assistance).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from assistance.choices import Status
from assistance.models import Assistance, Referral, ReturnCase
from partners.models import ClosedPeriod

# The name each relation is stored under in a merge record (beneficiaries.BeneficiaryMerge.moved).
RELATIONS = {
    "assistances": Assistance,
    "referrals": Referral,
    "return_cases": ReturnCase,
}


def mover(model):
    def move(duplicate, keep) -> list[int]:
        rows = model.objects.filter(beneficiary_id=duplicate.pk)
        ids = sorted(rows.values_list("pk", flat=True))
        if ids:
            model.objects.filter(pk__in=ids).update(beneficiary_id=keep.pk)
        return ids

    return move


def restorer(model):
    def restore(ids: list[int], duplicate) -> None:
        # A row deleted since the merge stays deleted.
        model.objects.filter(pk__in=ids).exclude(beneficiary_id=duplicate.pk).update(
            beneficiary_id=duplicate.pk
        )

    return restore


def undo_refusal(person_ids: list[int]) -> str | None:
    """Why a merge of these records may not be undone: one of their delivered assistances is
    dated in a closed period of its project. None when none is."""
    closed = ClosedPeriod.objects.in_force().filter(
        project_id=OuterRef("project_id"),
        start__lte=OuterRef("delivered_on"),
        end__gte=OuterRef("delivered_on"),
    )
    locked = (
        Assistance.objects.filter(beneficiary_id__in=person_ids, status=Status.DELIVERED)
        .filter(Exists(closed))
        .select_related("project")
        .order_by("delivered_on", "pk")
        .first()
    )
    if locked is None:
        return None
    return _(
        "Une assistance de ces fiches (%(project)s, %(day)s) est dans une période clôturée : "
        "la fusion ne peut plus être annulée sans changer des chiffres publiés. Rouvrez "
        "d'abord la période."
    ) % {"project": locked.project.code, "day": locked.delivered_on.strftime("%d/%m/%Y")}
