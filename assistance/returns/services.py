"""Writes of return cases (AVRR): open a case, move it on, record reintegration support.

Each stage reached records its assistance through assistance_record; only the organisation
that opened a case (or IOM) writes in it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.choices import RETURN_STAGE_ORDER, Category, ReturnDirection, ReturnStage
from assistance.models import Assistance
from assistance.returns.models import ReturnCase
from assistance.returns.permissions import require_case_writer
from assistance.services import assistance_record, recordable_beneficiary
from beneficiaries.models import Beneficiary
from core.audit import audit_create, audit_log
from core.models import AuditEntry
from partners.models import Project
from partners.permissions import acting_organisation_id, require_writer

# The assistance recorded when a return case reaches a stage.
_STAGE_SUBTYPE = {
    ReturnStage.COUNSELLING: "counselling",
    ReturnStage.PRE_DEPARTURE: "pre_departure",
    ReturnStage.MEDICAL_CHECK: "medical_check",
}


@transaction.atomic
def return_case_open(
    *,
    beneficiary: Beneficiary,
    country: str,
    acting_user,
    direction: str = ReturnDirection.FROM_MOROCCO,
    project: Project | None = None,
    opened_on: datetime.date | None = None,
    notes: str = "",
) -> ReturnCase:
    """Open an AVRR case at the counselling stage (recorded as an `avrr/counselling`
    assistance)."""
    organisation_id = acting_organisation_id(acting_user)
    beneficiary = recordable_beneficiary(acting_user, beneficiary)
    case = ReturnCase(
        beneficiary=beneficiary,
        organisation_id=organisation_id,
        project=project,
        direction=direction,
        country=(country or "").upper(),
        opened_on=opened_on or timezone.localdate(),
        notes=notes,
        created_by=acting_user,
    )
    case.full_clean()
    case.save()
    audit_create(actor=acting_user, instance=case)
    assistance_record(
        beneficiary=beneficiary,
        category=Category.AVRR,
        subtype="counselling",
        delivered_on=case.opened_on,
        project=project,
        acting_user=acting_user,
        provider=organisation_id,
        return_case=case,
    )
    return case


@transaction.atomic
def return_case_advance(
    *, return_case: ReturnCase, stage: str, acting_user, on: datetime.date | None = None
) -> ReturnCase:
    """Move a return case forward one or more stages (or cancel it). Reaching a stage records
    its AVRR assistance; `returned` records the return itself, with its country."""
    require_writer(acting_user)
    case = (
        ReturnCase.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("beneficiary")
        .filter(pk=return_case.pk)
        .first()
    )
    if case is None:
        raise PermissionDenied(_("Ce dossier n'est pas accessible."))
    require_case_writer(acting_user, case)
    on = on or timezone.localdate()
    if case.stage in (ReturnStage.CLOSED, ReturnStage.CANCELLED):
        raise ValidationError({"stage": _("Ce dossier est clôturé.")})
    if stage == ReturnStage.CANCELLED:
        target_index = None
    else:
        try:
            target_index = RETURN_STAGE_ORDER.index(stage)
        except ValueError as exc:
            raise ValidationError({"stage": _("Étape inconnue.")}) from exc
        if target_index <= RETURN_STAGE_ORDER.index(case.stage):
            raise ValidationError({"stage": _("Un dossier n'avance que vers une étape suivante.")})
    if on < case.opened_on:
        raise ValidationError({"stage": _("La date précède l'ouverture du dossier.")})
    previous = case.stage
    if target_index is not None:
        passed = RETURN_STAGE_ORDER[RETURN_STAGE_ORDER.index(case.stage) + 1 : target_index + 1]
        for reached in passed:
            subtype = _STAGE_SUBTYPE.get(reached)
            if reached == ReturnStage.RETURNED:
                subtype = (
                    "return_from_morocco"
                    if case.direction == ReturnDirection.FROM_MOROCCO
                    else "return_to_morocco"
                )
                case.returned_on = on
            if subtype:
                assistance_record(
                    beneficiary=case.beneficiary,
                    category=Category.AVRR,
                    subtype=subtype,
                    delivered_on=on,
                    project=case.project,
                    country=case.country,
                    acting_user=acting_user,
                    provider=case.organisation_id,
                    return_case=case,
                )
        if stage == ReturnStage.CLOSED:
            case.closed_on = on
    else:
        case.closed_on = on
    case.stage = stage
    case.version += 1
    case.save()
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=case,
        changes={"stage": [previous, stage], "on": on.isoformat()},
    )
    return case


# A returned person's reintegration support is recorded once the return has happened.
REINTEGRATION_STAGES = (ReturnStage.RETURNED, ReturnStage.REINTEGRATION)


@transaction.atomic
def return_case_reintegrate(
    *,
    return_case: ReturnCase,
    subtype: str,
    acting_user,
    delivered_on: datetime.date | None = None,
    value_mad=None,
    notes: str = "",
) -> Assistance:
    """Record a reintegration assistance in a return case, once the person has returned."""
    require_writer(acting_user)
    case = (
        ReturnCase.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("beneficiary", "project")
        .filter(pk=return_case.pk)
        .first()
    )
    if case is None:
        raise PermissionDenied(_("Ce dossier n'est pas accessible."))
    require_case_writer(acting_user, case)
    if case.stage not in REINTEGRATION_STAGES:
        raise ValidationError(
            {"subtype": _("La réintégration s'enregistre une fois le retour effectué.")}
        )
    return assistance_record(
        beneficiary=case.beneficiary,
        category=Category.REINTEGRATION,
        subtype=subtype,
        delivered_on=delivered_on,
        project=case.project,
        value_mad=value_mad,
        notes=notes,
        return_case=case,
        acting_user=acting_user,
        # Provided by the case's organisation, whoever records it (as for the stages): an
        # officer's entry on a partner's case is the partner's to see and correct.
        provider=case.organisation_id,
    )
