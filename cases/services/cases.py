"""Opening, changing, closing, reopening and transferring cases."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assistance import rules
from beneficiaries.consents.services import user_or_none
from beneficiaries.models import Beneficiary
from cases.choices import CaseStatus, ClosureReason, RiskLevel, TransitionKind
from cases.models import Case, CaseTransition, FollowUp
from cases.services.base import check_case_holder, manages_cases, require_open, writable_case
from core import clock
from core.audit import audit_create, audit_log, audit_log_many, diff, snapshot
from core.exceptions import ConflictError
from core.models import AuditEntry
from partners.access import actor_for
from partners.models import Organisation
from partners.permissions import acting_organisation_id, require_manager

CASE_EDITABLE = frozenset({"assigned_to", "risk_level"})


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > clock.today():
        raise ValidationError({field: _("Cette date est dans le futur.")})


def _transition(case: Case, *, kind: str, on, acting_user, closure_reason="", reason=""):
    transition = CaseTransition(
        case=case,
        kind=kind,
        on=on,
        closure_reason=closure_reason,
        reason=reason,
        by=user_or_none(acting_user),
    )
    transition.full_clean()
    transition.save()
    return transition


@transaction.atomic
def case_open(
    *,
    beneficiary: Beneficiary,
    acting_user,
    assigned_to=None,
    risk_level: str = RiskLevel.LOW,
    opened_on: datetime.date | None = None,
    organisation: Organisation | None = None,
) -> Case:
    """Open a case for a person the user may see, held by the user's organisation and given
    to `assigned_to` (by default the user who opens it)."""
    organisation_id = acting_organisation_id(acting_user, organisation)
    person = Beneficiary.objects.visible_to(acting_user).filter(pk=beneficiary.pk).first()
    if person is None:
        raise PermissionDenied(_("Ce bénéficiaire n'est pas accessible."))
    errors = rules.person_errors(person)
    if errors:
        raise ValidationError(errors)
    if assigned_to is None and getattr(acting_user, "pk", None):
        assigned_to = acting_user
    check_case_holder(assigned_to, organisation_id=organisation_id, field="assigned_to")
    opened_on = opened_on or clock.today()
    _not_in_future(opened_on, "opened_on")
    if person.registered_on and opened_on < person.registered_on:
        raise ValidationError(
            {
                "opened_on": _(
                    "Un dossier ne peut pas s'ouvrir avant l'enregistrement de la personne."
                )
            }
        )
    case = Case(
        beneficiary=person,
        organisation_id=organisation_id,
        assigned_to=assigned_to,
        risk_level=risk_level,
        opened_on=opened_on,
        created_by=user_or_none(acting_user),
    )
    case.full_clean()
    case.save()
    _transition(case, kind=TransitionKind.OPENED, on=opened_on, acting_user=acting_user)
    audit_create(actor=acting_user, instance=case)
    return case


def cases_open_on_registration(people: Iterable[Beneficiary], *, acting_user) -> int:
    """beneficiaries' registration hook (same transaction): open a case for each newly
    registered person of an organisation that follows everyone it registers
    (Organisation.opens_case_on_registration), given to the user who registers them when that
    user works for the organisation. Batched: an import of thousands of people makes a few
    statements, not thousands."""
    people = list(people)
    following = set(
        Organisation.objects.filter(
            pk__in={p.organisation_id for p in people}, opens_case_on_registration=True
        ).values_list("pk", flat=True)
    )
    people = [p for p in people if p.organisation_id in following]
    if not people:
        return 0
    actor = actor_for(acting_user)
    user = user_or_none(acting_user)
    cases = Case.objects.bulk_create(
        [
            Case(
                beneficiary=person,
                organisation_id=person.organisation_id,
                assigned_to=user if actor.organisation_id == person.organisation_id else None,
                opened_on=person.registered_on or clock.today(),
                created_by=user,
            )
            for person in people
        ],
        batch_size=2000,
    )
    CaseTransition.objects.bulk_create(
        [
            CaseTransition(case=case, kind=TransitionKind.OPENED, on=case.opened_on, by=user)
            for case in cases
        ],
        batch_size=2000,
    )
    audit_log_many(actor=acting_user, action=AuditEntry.Action.CREATE, instances=cases)
    return len(cases)


@transaction.atomic
def case_update(*, case: Case, acting_user, expected_version: int | None = None, **fields) -> Case:
    """Change a case's assignee or risk level. With `expected_version`, refuse
    (ConflictError) if someone else saved in between. Giving the case to someone else is a
    transfer: a caseworker may take a case or change its risk; only a manager reassigns it."""
    unknown = set(fields) - CASE_EDITABLE
    if unknown:
        raise TypeError(f"case_update cannot write: {', '.join(sorted(unknown))}")
    current = writable_case(acting_user, case)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current)
    if "assigned_to" in fields and fields["assigned_to"] != current.assigned_to:
        new = fields["assigned_to"]
        if not (manages_cases(acting_user) or getattr(new, "pk", None) == acting_user.pk):
            raise PermissionDenied(_("Seul·e un·e responsable peut confier un dossier à autrui."))
        check_case_holder(new, organisation_id=current.organisation_id, field="assigned_to")
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    current.save()
    changes = diff(before, snapshot(current))
    if changes:
        audit_log(
            actor=acting_user, action=AuditEntry.Action.UPDATE, instance=current, changes=changes
        )
    return current


@transaction.atomic
def case_close(
    *,
    case: Case,
    reason: str,
    acting_user,
    note: str = "",
    closed_on: datetime.date | None = None,
) -> Case:
    """Close an open case with one of the closure reasons (`other` needs a note)."""
    current = writable_case(acting_user, case)
    require_open(current)
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de clôture.")})
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Motif de clôture inconnu.")})
    closed_on = closed_on or clock.today()
    _not_in_future(closed_on, "closed_on")
    before = snapshot(current)
    current.status = CaseStatus.CLOSED
    current.closed_on = closed_on
    current.closure_reason = reason
    current.closure_note = note
    current.full_clean()
    current.version += 1
    current.save()
    _transition(
        current,
        kind=TransitionKind.CLOSED,
        on=closed_on,
        closure_reason=reason,
        reason=current.closure_note,
        acting_user=acting_user,
    )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes=diff(before, snapshot(current)),
    )
    return current


@transaction.atomic
def case_reopen(
    *, case: Case, reason: str, acting_user, reopened_on: datetime.date | None = None
) -> Case:
    """Reopen a closed case, saying why (the person came back, the return fell through…)."""
    current = writable_case(acting_user, case)
    if current.is_open:
        raise ValidationError(_("Ce dossier est déjà ouvert."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de la réouverture.")})
    reopened_on = reopened_on or clock.today()
    _not_in_future(reopened_on, "reopened_on")
    if current.closed_on and reopened_on < current.closed_on:
        raise ValidationError(
            {"reopened_on": _("Un dossier ne peut pas être rouvert avant sa clôture.")}
        )
    if (
        Case.objects.open()
        .filter(beneficiary_id=current.beneficiary_id, organisation_id=current.organisation_id)
        .exists()
    ):
        raise ValidationError(_("Cette personne a déjà un dossier ouvert dans cette organisation."))
    before = snapshot(current)
    current.status = CaseStatus.OPEN
    current.closed_on = None
    current.closure_reason = ""
    current.closure_note = ""
    current.full_clean()
    current.version += 1
    current.save()
    transition = _transition(
        current,
        kind=TransitionKind.REOPENED,
        on=reopened_on,
        reason=reason,
        acting_user=acting_user,
    )
    changes = diff(before, snapshot(current))
    changes["reopen_reason"] = [None, transition.reason]
    audit_log(actor=acting_user, action=AuditEntry.Action.UPDATE, instance=current, changes=changes)
    return current


@transaction.atomic
def case_transfer(*, cases, to_user, acting_user, from_user=None) -> int:
    """Give cases to `to_user` in one audited step: the cases listed, or, given `from_user`
    (a caseworker who leaves), every open case of theirs. Their pending follow-ups on these
    cases go with them. Managers of the owning organisation only (IOM officers for IOM's
    cases); the new holder must work for that organisation."""
    require_manager(acting_user)
    writable = Case.objects.writable_by(acting_user).select_for_update()
    if from_user is not None:
        chosen = list(writable.open().filter(assigned_to=from_user).order_by("pk"))
    else:
        ids = [getattr(c, "pk", c) for c in cases]
        chosen = list(writable.filter(pk__in=ids).order_by("pk"))
        if len(chosen) != len(set(ids)):
            raise PermissionDenied(_("Ce dossier n'est pas accessible."))
    if not chosen:
        raise ValidationError(_("Aucun dossier à transférer."))
    for organisation_id in {c.organisation_id for c in chosen}:
        check_case_holder(to_user, organisation_id=organisation_id, field="to_user")
    for case in chosen:
        previous = case.assigned_to_id
        if previous == to_user.pk:
            continue
        moved = FollowUp.objects.pending().filter(case=case, assignee_id=previous)
        followups = moved.update(assignee=to_user) if previous else 0
        case.assigned_to = to_user
        case.version += 1
        case.save(update_fields=["assigned_to", "version", "updated_at"])
        audit_log(
            actor=acting_user,
            action=AuditEntry.Action.UPDATE,
            instance=case,
            changes={
                "assigned_to": [previous, to_user.pk],
                "transfer": {"followups": followups, "batch": len(chosen)},
            },
        )
    return len(chosen)
