"""Writes of a project's closed periods: IOM officers close a period after review (its
assistances are then frozen: partners.selectors.closed_period_message, the rule the assistance
rules layer applies) and reopen it with a reason, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import audit_create, audit_log
from core.models import AuditEntry
from core.text import plain_text
from partners.models import ClosedPeriod, Project
from partners.permissions import require_officer


@transaction.atomic
def period_close(*, project: Project, period, acting_user) -> ClosedPeriod:
    """Close a project's period after review: its assistances are then frozen. `period` has
    `start` and `end` dates (a reporting.periods.Period)."""
    require_officer(acting_user)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    overlapping = ClosedPeriod.objects.in_force().filter(
        project=project, start__lte=period.end, end__gte=period.start
    )
    if overlapping.exists():
        raise ValidationError(_("Une période clôturée de ce projet chevauche déjà ces dates."))
    closed = ClosedPeriod(
        project=project, start=period.start, end=period.end, closed_by=acting_user
    )
    closed.full_clean()
    closed.save()
    audit_create(actor=acting_user, instance=closed)
    return closed


@transaction.atomic
def period_reopen(*, closed_period: ClosedPeriod, reason: str, acting_user) -> ClosedPeriod:
    """Reopen a closed period (the reason is required and audited)."""
    require_officer(acting_user)
    reason = plain_text(reason or "", multiline=True)
    if not reason:
        raise ValidationError({"reopen_reason": _("Indiquez le motif de la réouverture.")})
    current = ClosedPeriod.objects.select_for_update().get(pk=closed_period.pk)
    if current.reopened_at is not None:
        raise ValidationError(_("Cette période est déjà rouverte."))
    current.reopened_by = acting_user
    current.reopened_at = clock.now()
    current.reopen_reason = reason
    current.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes={"reopened": [False, True], "reason": reason},
    )
    return current
