"""Writes of assistances: record (one or many), correct and cancel.

Each service checks the acting user's rights, validates with full_clean(), writes the audit
entry in the same transaction, and returns the saved object. The app's other aggregates
(referrals, return cases, group activities) have their own services, which record their
assistances through these.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import rules
from assistance.choices import Status
from assistance.models import Activity, Assistance, ReturnCase

# The return case's writer rule lives with return cases; assistance_record asks it too.
from assistance.returns.permissions import require_case_writer as _require_case_writer
from beneficiaries.models import Beneficiary
from core.audit import audit_create, audit_log, audit_log_many, diff, snapshot
from core.exceptions import ConflictError
from core.models import AuditEntry
from core.text import plain_text
from partners.models import Project
from partners.permissions import acting_organisation_id, require_writer

ASSISTANCE_EDITABLE = frozenset(
    {
        "category",
        "subtype",
        "delivered_on",
        "status",
        "project",
        "city",
        "country",
        "quantity",
        "value_mad",
        "outcome",
        "notes",
        "assistance_ref",
    }
)


# The foreign keys a batch write checks once for the whole batch instead of once per row
# (full_clean would query each one); every other rule of the model runs per row. The importer
# validates its rows with this same call.
BATCH_CLEAN_EXCLUDE = [
    "beneficiary",
    "provider",
    "project",
    "city",
    "activity",
    "return_case",
    "created_by",
]


def _raise(errors: rules.Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _visible_beneficiary(user, beneficiary: Beneficiary) -> Beneficiary:
    """The person as `user` may see it (PermissionDenied otherwise), if it may take new
    records (the person's rules)."""
    found = Beneficiary.objects.visible_to(user).filter(pk=beneficiary.pk).first()
    if found is None:
        raise PermissionDenied(_("Ce bénéficiaire n'est pas accessible."))
    _raise(rules.person_errors(found))
    return found


def _require_visible_project(user, project: Project | None) -> None:
    if project is not None and not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise PermissionDenied(_("Ce projet n'est pas accessible."))


def _check_project(user, project: Project | None, provider_id: int) -> None:
    """A project `user` may see (PermissionDenied otherwise), implemented by the provider."""
    if project is None:
        return
    _require_visible_project(user, project)
    lookups = rules.Lookups.load(projects=[project], providers=[provider_id])
    _raise(rules.project_errors(lookups, project_id=project.pk, provider_id=provider_id))


@transaction.atomic
def assistance_record(
    *,
    beneficiary: Beneficiary,
    category: str,
    subtype: str,
    acting_user,
    delivered_on: datetime.date | None = None,
    provider=None,
    project: Project | None = None,
    city=None,
    country: str = "",
    quantity=1,
    value_mad=None,
    status: str = Status.DELIVERED,
    outcome: str = "",
    notes: str = "",
    assistance_ref: str = "",
    activity: Activity | None = None,
    return_case: ReturnCase | None = None,
) -> Assistance:
    """Record one service to one person, provided by the acting user's organisation."""
    provider_id = acting_organisation_id(acting_user, provider)
    beneficiary = _visible_beneficiary(acting_user, beneficiary)
    _require_visible_project(acting_user, project)
    if return_case is not None:
        _require_case_writer(acting_user, return_case)
        if return_case.beneficiary_id != beneficiary.pk:
            raise ValidationError(
                {"return_case": _("Ce dossier de retour est celui d'une autre personne.")}
            )
    assistance = Assistance(
        beneficiary=beneficiary,
        category=category,
        subtype=subtype,
        delivered_on=delivered_on or timezone.localdate(),
        status=status,
        provider_id=provider_id,
        project=project,
        city=city or beneficiary.city,
        country=(country or "").upper(),
        quantity=quantity,
        value_mad=value_mad,
        outcome=outcome,
        notes=notes,
        assistance_ref=assistance_ref,
        activity=activity,
        return_case=return_case,
        created_by=acting_user,
    )
    lookups = rules.Lookups.load(projects=[project], providers=[provider_id])
    _raise(rules.assistance_errors(lookups, assistance))
    assistance.full_clean()
    assistance.save()
    audit_create(actor=acting_user, instance=assistance)
    return assistance


@transaction.atomic
def assistance_record_many(*, acting_user, assistances: Sequence[Assistance]) -> list[Assistance]:
    """Record many assistances at once (demo data, imports, group sessions).

    The same per-row rules as assistance_record, with the foreign keys checked once for the
    batch: every beneficiary must be visible to the user and every row provided by an
    organisation the user may write for; then the rules layer, for the whole batch at once
    (the first bad row's errors are raised).
    """
    actor = require_writer(acting_user)
    beneficiary_ids = {a.beneficiary_id for a in assistances}
    beneficiaries = Beneficiary.objects.visible_to(acting_user).in_bulk(beneficiary_ids)
    projects = Project.objects.in_bulk({a.project_id for a in assistances if a.project_id})
    errors = []
    for index, assistance in enumerate(assistances):
        if not actor.sees_everything and assistance.provider_id != actor.organisation_id:
            raise PermissionDenied(_("Vous ne pouvez enregistrer que pour votre organisation."))
        if assistance.beneficiary_id not in beneficiaries:
            raise PermissionDenied(_("Ce bénéficiaire n'est pas accessible."))
        assistance.beneficiary = beneficiaries[assistance.beneficiary_id]
        if assistance.project_id:
            assistance.project = projects[assistance.project_id]
        assistance.created_by = acting_user
        try:
            assistance.full_clean(
                exclude=BATCH_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors.append((index, exc))
    if errors:
        index, exc = errors[0]
        raise ValidationError(_("Ligne %(index)s : %(error)s") % {"index": index + 1, "error": exc})
    lookups = rules.Lookups.load(projects=projects, providers={a.provider_id for a in assistances})
    found = rules.check_assistances(lookups, enumerate(assistances))
    if found:
        raise ValidationError(found[min(found)])
    created = Assistance.objects.bulk_create(assistances, batch_size=2000)
    audit_log_many(actor=acting_user, action=AuditEntry.Action.CREATE, instances=created)
    return created


def _locked_assistance(
    acting_user, assistance: Assistance, expected_version: int | None
) -> Assistance:
    actor = require_writer(acting_user)
    current = (
        Assistance.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("beneficiary", "project")
        .filter(pk=assistance.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("Cette assistance n'est pas accessible."))
    if not actor.sees_everything and current.provider_id != actor.organisation_id:
        raise PermissionDenied(
            _("Seule l'organisation prestataire peut modifier cette assistance.")
        )
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current)
    return current


@transaction.atomic
def assistance_update(
    *, assistance: Assistance, acting_user, expected_version: int | None = None, **fields
) -> Assistance:
    """Correct an assistance; refuses a stale version (ConflictError)."""
    unknown = set(fields) - ASSISTANCE_EDITABLE
    if unknown:
        raise TypeError(f"not editable through this service: {', '.join(sorted(unknown))}")
    current = _locked_assistance(acting_user, assistance, expected_version)
    project = fields["project"] if "project" in fields else current.project_id
    lookups = rules.Lookups.load(
        projects=[current.project_id, project],
        providers=[current.provider_id] if "project" in fields else (),
    )
    _raise(rules.change_errors(lookups, current))
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    if "project" in fields:
        _require_visible_project(acting_user, current.project)
    _raise(rules.assistance_errors(lookups, current, changed=fields))
    current.country = (current.country or "").upper()
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
def assistance_cancel(
    *, assistance: Assistance, acting_user, reason: str = "", expected_version: int | None = None
) -> Assistance:
    """Cancel an assistance: the row stays (it no longer counts), the reason is audited."""
    current = _locked_assistance(acting_user, assistance, expected_version)
    if current.status == Status.CANCELLED:
        return current
    _raise(rules.change_errors(rules.Lookups.load(projects=[current.project_id]), current))
    previous = current.status
    current.status = Status.CANCELLED
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.CANCEL,
        instance=current,
        changes={
            "status": [previous, Status.CANCELLED],
            "reason": plain_text(reason, multiline=True),
        },
    )
    return current


# --- Checks shared with the other aggregates' writes ---------------------------------------
# A referral, a return case or a group session records assistances, and checks the person and
# the project as assistance_record does, with the same functions under public names.


def recordable_beneficiary(user, beneficiary: Beneficiary) -> Beneficiary:
    """The person as `user` may see them; refused if out of reach or merged into another file."""
    return _visible_beneficiary(user, beneficiary)


def check_project(user, project: Project | None, provider_id: int) -> None:
    """Refuse a project the user may not see, or one the provider is not a partner of."""
    _check_project(user, project, provider_id)
