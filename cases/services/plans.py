"""Assessments, the case plan's goals (and the assistances that serve them), follow-ups."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assistance.models import Assistance
from beneficiaries.consents.services import user_or_none
from cases.choices import OPEN_GOAL_STATUSES, GoalStatus
from cases.models import Assessment, Case, FollowUp, Goal, serves
from cases.services.base import check_case_holder, require_open, writable_case
from core import clock
from core.audit import audit_create, audit_log, diff, snapshot
from core.models import AuditEntry

GOAL_EDITABLE = frozenset({"title", "services", "target_date", "status"})


def _save_new(instance, acting_user):
    instance.full_clean()
    instance.save()
    audit_create(actor=acting_user, instance=instance)
    return instance


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    acting_user,
    needs: list[str],
    vulnerabilities: list[str] | None = None,
    summary: str = "",
    assessed_on: datetime.date | None = None,
) -> Assessment:
    """Record a dated assessment of the person's needs and vulnerabilities on an open case."""
    current = writable_case(acting_user, case)
    require_open(current)
    assessed_on = assessed_on or clock.today()
    if assessed_on < current.opened_on or assessed_on > clock.today():
        raise ValidationError(
            {
                "assessed_on": _(
                    "L'évaluation doit dater d'entre l'ouverture du dossier et aujourd'hui."
                )
            }
        )
    return _save_new(
        Assessment(
            case=current,
            assessed_on=assessed_on,
            needs=sorted(set(needs or [])),
            vulnerabilities=sorted(set(vulnerabilities or [])),
            summary=summary,
            created_by=user_or_none(acting_user),
        ),
        acting_user,
    )


@transaction.atomic
def goal_add(
    *,
    case: Case,
    acting_user,
    title: str,
    services: list[str] | None = None,
    target_date: datetime.date | None = None,
    status: str = GoalStatus.PLANNED,
) -> Goal:
    """Add a goal to an open case's plan."""
    current = writable_case(acting_user, case)
    require_open(current)
    if target_date is not None and target_date < current.opened_on:
        raise ValidationError(
            {"target_date": _("La date cible ne peut pas précéder l'ouverture du dossier.")}
        )
    return _save_new(
        Goal(
            case=current,
            title=title,
            services=list(dict.fromkeys(services or [])),
            target_date=target_date,
            status=status,
            created_by=user_or_none(acting_user),
        ),
        acting_user,
    )


@transaction.atomic
def goal_update(*, goal: Goal, acting_user, **fields) -> Goal:
    """Change a goal (its status as it progresses, its date, its services)."""
    unknown = set(fields) - GOAL_EDITABLE
    if unknown:
        raise TypeError(f"goal_update cannot write: {', '.join(sorted(unknown))}")
    case = writable_case(acting_user, goal.case)
    current = Goal.objects.select_for_update().get(pk=goal.pk, case=case)
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    if current.target_date is not None and current.target_date < case.opened_on:
        raise ValidationError(
            {"target_date": _("La date cible ne peut pas précéder l'ouverture du dossier.")}
        )
    current.full_clean()
    current.version += 1
    current.save()
    changes = diff(before, snapshot(current))
    if changes:
        audit_log(
            actor=acting_user, action=AuditEntry.Action.UPDATE, instance=current, changes=changes
        )
    return current


def open_goals_for(case: Case):
    """The goals an assistance recorded on this case may serve."""
    return case.goals.filter(status__in=OPEN_GOAL_STATUSES)


@transaction.atomic
def goal_link_assistance(*, goal: Goal, assistance: Assistance, acting_user) -> Goal:
    """Link an assistance delivered to the case's person (by the case's organisation) to the
    goal it serves; the goal moves from `planned` to `in_progress`."""
    case = writable_case(acting_user, goal.case)
    current = Goal.objects.select_for_update().get(pk=goal.pk, case=case)
    if current.status not in OPEN_GOAL_STATUSES:
        raise ValidationError(_("Cet objectif est atteint ou abandonné."))
    found = (
        Assistance.objects.visible_to(acting_user)
        .filter(pk=assistance.pk, provider_id=case.organisation_id)
        .select_related("beneficiary")
        .first()
    )
    if found is None:
        raise PermissionDenied(_("Cette assistance n'est pas accessible."))
    person = found.beneficiary
    if case.beneficiary_id not in (person.pk, person.merged_into_id):
        raise ValidationError(_("Cette assistance concerne une autre personne."))
    if current.services and not serves(
        current.services, category=found.category, subtype=found.subtype
    ):
        raise ValidationError(_("Cette assistance ne fait pas partie des services prévus."))
    current.assistances.add(found)
    changes = {"assistance": [None, found.pk]}
    if current.status == GoalStatus.PLANNED:
        current.status = GoalStatus.IN_PROGRESS
        current.version += 1
        current.save(update_fields=["status", "version", "updated_at"])
        changes["status"] = [GoalStatus.PLANNED, GoalStatus.IN_PROGRESS]
    audit_log(actor=acting_user, action=AuditEntry.Action.UPDATE, instance=current, changes=changes)
    return current


@transaction.atomic
def followup_add(
    *,
    case: Case,
    acting_user,
    due_on: datetime.date,
    action: str,
    assignee=None,
) -> FollowUp:
    """Plan an action on an open case, due on a date on or after the case's opening, for a
    member of the case's organisation (by default the case's caseworker)."""
    current = writable_case(acting_user, case)
    require_open(current)
    if due_on < current.opened_on:
        raise ValidationError(
            {"due_on": _("Un suivi ne peut pas être dû avant l'ouverture du dossier.")}
        )
    assignee = assignee or current.assigned_to or user_or_none(acting_user)
    check_case_holder(assignee, organisation_id=current.organisation_id, field="assignee")
    return _save_new(
        FollowUp(
            case=current,
            due_on=due_on,
            action=action,
            assignee=assignee,
            created_by=user_or_none(acting_user),
        ),
        acting_user,
    )


@transaction.atomic
def followup_complete(
    *, followup: FollowUp, acting_user, result: str = "", done_on: datetime.date | None = None
) -> FollowUp:
    """Mark a follow-up done, on a date (today by default) with its result."""
    case = writable_case(acting_user, followup.case)
    current = FollowUp.objects.select_for_update().get(pk=followup.pk, case=case)
    if current.done_on is not None:
        raise ValidationError(_("Ce suivi est déjà fait."))
    done_on = done_on or clock.today()
    if done_on > clock.today() or done_on < case.opened_on:
        raise ValidationError(
            {"done_on": _("La date doit être entre l'ouverture du dossier et aujourd'hui.")}
        )
    before = snapshot(current)
    current.done_on = done_on
    current.result = result
    current.full_clean()
    current.version += 1
    current.save()
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes=diff(before, snapshot(current)),
    )
    return current
