"""Writes of the assistance app: record, correct and cancel assistances; refer; AVRR; groups.

Each service checks the acting user's rights, validates with full_clean(), writes the audit
entry in the same transaction, and returns the saved object.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import rules
from assistance.choices import (
    RETURN_STAGE_ORDER,
    Category,
    Outcome,
    ReferralStatus,
    ReturnDirection,
    ReturnStage,
    Status,
)
from assistance.models import Activity, Assistance, Referral, ReturnCase
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_share
from core.audit import audit_create, audit_log, audit_log_many, diff, snapshot
from core.exceptions import ConflictError
from core.models import AuditEntry
from core.text import plain_text
from partners.access import actor_for
from partners.models import Organisation, Project
from partners.permissions import acting_organisation_id, require_record_keeper, require_writer
from partners.selectors import assert_period_open

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


# --- Referrals -----------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    beneficiary: Beneficiary,
    category: str,
    consent: bool,
    acting_user,
    to_organisation: Organisation | None = None,
    to_structure: str = "",
    reason: str = "",
    referred_on: datetime.date | None = None,
    project: Project | None = None,
) -> Referral:
    """Refer a person to another partner, or to a public health structure.

    A medical referral to a public structure is also an assistance
    (`medical`/`referral_public_health`) whose outcome the indicators count.
    """
    from_id = acting_organisation_id(acting_user)
    beneficiary = _visible_beneficiary(acting_user, beneficiary)
    referral = Referral(
        beneficiary=beneficiary,
        from_organisation_id=from_id,
        to_organisation=to_organisation,
        to_structure=to_structure,
        category=category,
        reason=reason,
        consent=consent,
        referred_on=referred_on or timezone.localdate(),
        project=project,
        created_by=acting_user,
    )
    referral.full_clean()
    if to_organisation is not None:
        require_record_keeper(to_organisation, field="to_organisation")
    if not to_organisation and category == Category.MEDICAL:
        referral.assistance = assistance_record(
            beneficiary=beneficiary,
            category=Category.MEDICAL,
            subtype="referral_public_health",
            delivered_on=referral.referred_on,
            project=project,
            outcome=Outcome.PENDING,
            acting_user=acting_user,
            notes=to_structure,
            provider=from_id,
        )
    referral.save()
    audit_create(actor=acting_user, instance=referral)
    return referral


def _locked_referral(acting_user, referral: Referral) -> Referral:
    require_writer(acting_user)
    current = (
        Referral.objects.visible_to(acting_user).select_for_update().filter(pk=referral.pk).first()
    )
    if current is None:
        raise PermissionDenied(_("Ce référencement n'est pas accessible."))
    return current


@transaction.atomic
def referral_respond(
    *,
    referral: Referral,
    accept: bool,
    acting_user,
    decline_reason: str = "",
    decline_note: str = "",
) -> Referral:
    """The receiving partner accepts (and gains access to the person) or declines, giving a
    reason from DeclineReason (with a note, required for `other`) that the sender reads."""
    current = _locked_referral(acting_user, referral)
    actor = actor_for(acting_user)
    if current.to_organisation_id is None or (
        not actor.sees_everything and current.to_organisation_id != actor.organisation_id
    ):
        raise PermissionDenied(_("Seul le partenaire destinataire peut répondre."))
    if current.status != ReferralStatus.PENDING:
        raise ValidationError(_("Ce référencement a déjà reçu une réponse."))
    before = snapshot(current)
    current.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    current.responded_at = timezone.now()
    if not accept:
        current.outcome = Outcome.DECLINED
        current.decline_reason = decline_reason
        current.decline_note = decline_note or ""
    current.full_clean()
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "responded_at",
            "outcome",
            "decline_reason",
            "decline_note",
            "version",
            "updated_at",
        ]
    )
    if accept:
        beneficiary_share(
            beneficiary=current.beneficiary,
            organisation=current.to_organisation,
            referral=current,
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
def referral_record_outcome(
    *, referral: Referral, outcome: str, acting_user, outcome_on: datetime.date | None = None
) -> Referral:
    """Record whether the service was finally received; both ends see it. The receiving
    partner records it once it has accepted; the sender, for a referral to an outside
    structure. For a public health referral the linked assistance carries the same outcome."""
    current = _locked_referral(acting_user, referral)
    actor = actor_for(acting_user)
    recorder_id = current.outcome_recorder_id
    if recorder_id is None:
        raise ValidationError(
            {
                "outcome": _(
                    "L'issue s'enregistre une fois le référencement accepté par le partenaire."
                )
            }
        )
    if not actor.sees_everything and actor.organisation_id != recorder_id:
        raise PermissionDenied(
            _("Seul le partenaire qui a accepté le référencement en enregistre l'issue.")
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Issue inconnue.")})
    before = snapshot(current)
    current.outcome = outcome
    current.outcome_on = outcome_on or timezone.localdate()
    current.full_clean()
    current.version += 1
    current.save()
    if current.assistance_id:
        linked = Assistance.objects.select_for_update().get(pk=current.assistance_id)
        if linked.outcome != outcome:
            assert_period_open(linked.project_id, linked.delivered_on)
            previous = linked.outcome
            linked.outcome = outcome
            linked.version += 1
            linked.save(update_fields=["outcome", "version", "updated_at"])
            audit_log(
                actor=acting_user,
                action=AuditEntry.Action.UPDATE,
                instance=linked,
                changes={"outcome": [previous, outcome]},
            )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes=diff(before, snapshot(current)),
    )
    return current


# --- AVRR -----------------------------------------------------------------------------------


def _require_case_writer(acting_user, case: ReturnCase) -> None:
    """Only the organisation that opened a return case (or IOM) moves it on or records in it.
    The person's own organisation sees the case; seeing is not writing."""
    actor = require_writer(acting_user)
    if not actor.sees_everything and case.organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Seule l'organisation qui a ouvert ce dossier peut le modifier."))


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
    beneficiary = _visible_beneficiary(acting_user, beneficiary)
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
    _require_case_writer(acting_user, case)
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
    _require_case_writer(acting_user, case)
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


# --- Group activities -----------------------------------------------------------------------


@transaction.atomic
def activity_record(
    *,
    category: str,
    subtype: str,
    title: str,
    acting_user,
    participants: Sequence[Beneficiary] = (),
    held_on: datetime.date | None = None,
    project: Project | None = None,
    city=None,
    headcounts: dict[str, int] | None = None,
) -> Activity:
    """One group session (awareness, workshop, distribution): one assistance per registered
    participant, and the activity's headcounts by women/girls/men/boys/unknown.

    The headcounts are the registered participants, classified by their age on the day, plus
    `headcounts`: attendees who were not registered (anonymous), e.g. {"women": 12}.
    """
    organisation_id = acting_organisation_id(acting_user)
    _check_project(acting_user, project, organisation_id)
    held_on = held_on or timezone.localdate()
    activity = Activity(
        organisation_id=organisation_id,
        category=category,
        subtype=subtype,
        title=title,
        held_on=held_on,
        project=project,
        city=city,
        created_by=acting_user,
        **(headcounts or {}),
    )
    participants = list({person.pk: person for person in participants}.values())
    _fill_headcounts(activity, participants)
    activity.full_clean()
    activity.save()
    audit_create(actor=acting_user, instance=activity)
    if participants:
        assistance_record_many(
            acting_user=acting_user,
            assistances=[
                Assistance(
                    beneficiary_id=person.pk,
                    category=category,
                    subtype=subtype,
                    delivered_on=held_on,
                    provider_id=organisation_id,
                    project=project,
                    city=city or person.city,
                    activity=activity,
                )
                for person in participants
            ],
        )
    return activity


def _fill_headcounts(activity: Activity, participants: Sequence[Beneficiary]) -> None:
    from beneficiaries.choices import ADULT_AGE, Sex

    for person in participants:
        age = person.age_on(activity.held_on)
        if age is None or person.sex == Sex.UNKNOWN:
            activity.unknown += 1
        elif person.sex == Sex.FEMALE:
            if age < ADULT_AGE:
                activity.girls += 1
            else:
                activity.women += 1
        elif age < ADULT_AGE:
            activity.boys += 1
        else:
            activity.men += 1
