"""Writes of capacity-building events: record, update, delete.

Each service checks the acting user's rights (partner staff for their organisation, IOM
officers for any organisation that keeps records), validates with full_clean(), and writes
the audit entry in the same transaction. Named participants are personal data: the audit
entries count them, never name them, so deleting a participant (or the event) erases them.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assistance.services import check_project
from capacity.choices import COUNT_FIELDS, SEX_KEYS, Institution, count_field, sex_key
from capacity.models import MAX_NAMED_PARTICIPANTS, CapacityEvent, EventParticipant
from core.audit import audit_log, diff, snapshot
from core.exceptions import ConflictError
from core.models import AuditEntry
from partners.models import Project
from partners.permissions import acting_organisation_id, require_writer

EVENT_EDITABLE = frozenset(
    {"project", "city", "kind", "title", "start", "end", "sub_theme", "notes", "counts"}
)
PARTICIPANT_FIELDS = ("name", "sex", "institution", "organisation_name", "function")


def _counts_fields(counts: Mapping[str, Mapping[str, int]] | None) -> dict[str, int]:
    """{institution: {sex: n}} (missing cells: 0) as the model's count columns."""
    counts = counts or {}
    unknown = set(counts) - set(Institution.values)
    if unknown:
        raise ValidationError(
            _("Type d'institution inconnu : %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    fields = dict.fromkeys(COUNT_FIELDS, 0)
    for institution, by_sex in counts.items():
        for sex, value in (by_sex or {}).items():
            if sex not in SEX_KEYS:
                raise ValidationError(_("Sexe inconnu : %(sex)s") % {"sex": sex})
            fields[count_field(institution, sex)] = value
    return fields


def _participants(rows: Iterable[Mapping] | None) -> list[EventParticipant] | None:
    if rows is None:
        return None
    rows = list(rows)
    if len(rows) > MAX_NAMED_PARTICIPANTS:
        raise ValidationError(
            _("Nombre maximal de participant·es nommé·es par événement : %(max)s.")
            % {"max": MAX_NAMED_PARTICIPANTS}
        )
    unknown = {key for row in rows for key in row} - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown participant fields: {', '.join(sorted(unknown))}")
    return [EventParticipant(**row) for row in rows]


def _check_named_within_counts(event: CapacityEvent, named: list[EventParticipant]) -> None:
    """Named participants are among the counted ones: each cell counts at least its names."""
    cells = Counter((p.institution, sex_key(p.sex)) for p in named)
    short = [
        (institution, sex)
        for (institution, sex), n in cells.items()
        if institution in Institution.values and event.count(institution, sex) < n
    ]
    if short:
        labels = dict(Institution.choices)
        raise ValidationError(
            _("Les effectifs doivent compter au moins les participant·es nommé·es : %(cells)s.")
            % {"cells": ", ".join(f"{labels[i]} / {s} ({cells[(i, s)]})" for i, s in sorted(short))}
        )


def _validate_participants(event: CapacityEvent, named: list[EventParticipant]) -> None:
    for index, participant in enumerate(named, start=1):
        participant.event = event
        try:
            participant.full_clean(exclude=["event"])
        except ValidationError as error:
            raise ValidationError(
                _("Participant·e %(index)s : %(error)s")
                % {"index": index, "error": "; ".join(error.messages)}
            ) from error
    _check_named_within_counts(event, named)


def _check_project(acting_user, project: Project | None, organisation_id: int) -> None:
    """The same rule as assistances: a project the user sees, implemented by the organisation
    (IOM runs events under any project)."""
    check_project(acting_user, project, organisation_id)


@transaction.atomic
def capacity_event_record(
    *,
    kind: str,
    title: str,
    start: datetime.date,
    city,
    acting_user,
    organisation=None,
    project: Project | None = None,
    end: datetime.date | None = None,
    sub_theme=None,
    notes: str = "",
    counts: Mapping[str, Mapping[str, int]] | None = None,
    participants: Iterable[Mapping] | None = None,
) -> CapacityEvent:
    """Record an event run by the acting user's organisation (an IOM officer may name
    another), its counts {institution: {"F"|"M"|"unknown": n}} and optional named
    participants [{name, sex, institution, organisation_name, function}]."""
    organisation_id = acting_organisation_id(acting_user, organisation)
    _check_project(acting_user, project, organisation_id)
    event = CapacityEvent(
        organisation_id=organisation_id,
        project=project,
        city=city,
        kind=kind,
        title=title,
        start=start,
        end=end,
        sub_theme=sub_theme,
        notes=notes,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        **_counts_fields(counts),
    )
    named = _participants(participants) or []
    event.full_clean()
    _validate_participants(event, named)
    event.save()
    for participant in named:
        participant.event = event
    EventParticipant.objects.bulk_create(named)
    changes = diff({}, snapshot(event))
    changes["participants"] = [None, len(named)]
    audit_log(actor=acting_user, action=AuditEntry.Action.CREATE, instance=event, changes=changes)
    return event


def _locked_event(acting_user, event: CapacityEvent, expected_version: int | None):
    require_writer(acting_user)
    current = (
        CapacityEvent.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=event.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("Cet événement n'est pas accessible."))
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current)
    return current


@transaction.atomic
def capacity_event_update(
    *,
    event: CapacityEvent,
    acting_user,
    expected_version: int | None = None,
    participants: Iterable[Mapping] | None = None,
    **fields,
) -> CapacityEvent:
    """Correct an event; `counts` replaces every count (missing cells: 0); `participants`,
    when given, replaces the named participants (those left out are deleted: erased).
    Refuses a stale version (ConflictError)."""
    unknown = set(fields) - EVENT_EDITABLE
    if unknown:
        raise TypeError(f"not editable through this service: {', '.join(sorted(unknown))}")
    current = _locked_event(acting_user, event, expected_version)
    before = snapshot(current)
    counts = fields.pop("counts", None)
    for name, value in fields.items():
        setattr(current, name, value)
    if counts is not None:
        for name, value in _counts_fields(counts).items():
            setattr(current, name, value)
    if "project" in fields:
        _check_project(acting_user, current.project, current.organisation_id)
    current.full_clean()
    named = _participants(participants)
    kept = named if named is not None else list(current.participants.all())
    _validate_participants(current, kept)
    current.version += 1
    current.save()
    changes = diff(before, snapshot(current))
    if named is not None:
        erased = current.participants.all().delete()[0]
        for participant in named:
            participant.event = current
        EventParticipant.objects.bulk_create(named)
        if erased or named:
            changes["participants"] = [erased, len(named)]
    if changes:
        audit_log(
            actor=acting_user, action=AuditEntry.Action.UPDATE, instance=current, changes=changes
        )
    return current


@transaction.atomic
def capacity_event_delete(
    *, event: CapacityEvent, acting_user, expected_version: int | None = None
) -> None:
    """Delete an event and its named participants (they are erased with it); the audit entry
    keeps what the event counted."""
    current = _locked_event(acting_user, event, expected_version)
    named = current.participants.count()
    changes = diff(snapshot(current), {})
    changes["participants"] = [named, None]
    pk = current.pk
    current.delete()
    current.pk = pk
    audit_log(actor=acting_user, action=AuditEntry.Action.DELETE, instance=current, changes=changes)
