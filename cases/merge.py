"""cases' part of a merge of duplicate records and of its undo (beneficiaries.merges),
registered with beneficiaries.hooks.register_merge in CasesConfig.ready: a person's cases
follow their record to the kept one, and go back with an undo.

An organisation holds at most one open case per person (`case_one_open_per_person_and_
organisation`): when both records have an open case in the same organisation, the merge is
refused with a clear message (nothing moves) until one of them is closed; the organisation
decides which follow-up goes on, not the merge.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.choices import CaseStatus
from cases.models import Case


def move(duplicate, keep) -> list[int]:
    """Move the duplicate's cases to the kept record; returns their ids."""
    open_on_keep = set(
        Case.objects.filter(beneficiary_id=keep.pk, status=CaseStatus.OPEN).values_list(
            "organisation_id", flat=True
        )
    )
    clash = (
        Case.objects.filter(
            beneficiary_id=duplicate.pk,
            status=CaseStatus.OPEN,
            organisation_id__in=open_on_keep,
        )
        .select_related("organisation")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _(
                "Les deux fiches ont chacune un dossier de suivi ouvert chez %(organisation)s : "
                "clôturez l'un des deux avant de fusionner."
            )
            % {"organisation": clash.organisation.name}
        )
    ids = sorted(Case.objects.filter(beneficiary_id=duplicate.pk).values_list("pk", flat=True))
    if ids:
        Case.objects.filter(pk__in=ids).update(beneficiary_id=keep.pk)
    return ids


def restore(ids: list[int], duplicate) -> None:
    """Move the cases `ids` back to the duplicate (a case deleted since stays deleted)."""
    Case.objects.filter(pk__in=ids).exclude(beneficiary_id=duplicate.pk).update(
        beneficiary_id=duplicate.pk
    )
