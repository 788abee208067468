"""DESIGN.md §8 for a person's record: the legal hold, the erasure (pseudonymisation) of one
person, and the retention run that erases what has expired. Services (atomic, audited), named
in beneficiaries.services too.

The figures stay exact: an erasure freezes, through beneficiaries.hooks.erase, the age each
assistance counts with before the date of birth goes (see assistance.erasure and reporting
migration `fact_frozen_age`); published bilans are stored documents, which nothing here
touches.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beneficiaries import hooks
from beneficiaries.choices import ErasureReason
from beneficiaries.merges.services import merges_erase
from beneficiaries.models import ERASED_FIELDS, Beneficiary, Consent
from beneficiaries.selectors import retention_expired
from core import clock
from core.audit import audit_log, diff, redact_personal
from core.models import AuditEntry
from core.text import plain_text
from partners.access import SYSTEM, actor_for, require_acting_user
from partners.choices import Role
from partners.models import Organisation

logger = logging.getLogger(__name__)

# What erasure clears of a person's consent ledger: a withdrawal's reason, in their words.
CONSENT_ERASED_FIELDS = ("withdrawal_reason",)


def may_protect(user, person: Beneficiary) -> bool:
    """Whether `user` may put `person` (a record they see) under a legal hold or erase it: an
    IOM officer, the manager of the organisation that owns the record, or SYSTEM."""
    if user is SYSTEM:
        return True
    actor = actor_for(user)
    return actor.sees_everything or (
        actor.role == Role.PARTNER_MANAGER and actor.organisation_id == person.organisation_id
    )


def _record_for_protection(acting_user, beneficiary: Beneficiary) -> Beneficiary:
    """The person's record, locked, if `acting_user` may put it under a legal hold or erase
    it: an IOM officer, the manager of the organisation that owns it, or SYSTEM (the retention
    run). PermissionDenied otherwise (out of reach, or another role)."""
    require_acting_user(acting_user)
    people = Beneficiary.objects.select_for_update()
    if acting_user is not SYSTEM:
        people = people.visible_to(acting_user)
    current = people.filter(pk=beneficiary.pk).first()
    if current is None:
        raise PermissionDenied(_("Ce bénéficiaire n'est pas accessible."))
    if not may_protect(acting_user, current):
        raise PermissionDenied(
            _(
                "Seul·es les responsables de l'organisation qui a enregistré la personne et "
                "l'OIM peuvent faire cela."
            )
        )
    return current


@transaction.atomic
def beneficiary_set_legal_hold(
    *, beneficiary: Beneficiary, hold: bool, acting_user, reason: str = ""
) -> Beneficiary:
    """Put a person's record under a legal hold (with its reason), or lift it. Under a hold
    the retention run passes the person by and an erasure is refused. Setting or lifting a
    hold is not activity with the person: the retention period still runs from their last."""
    current = _record_for_protection(acting_user, beneficiary)
    if current.pseudonymised_at is not None:
        raise ValidationError(
            _("Les données personnelles de cette personne ont déjà été effacées.")
        )
    reason = plain_text(reason or "", multiline=True) if hold else ""
    if hold and not reason:
        raise ValidationError({"legal_hold_reason": _("Indiquez le motif du gel légal.")})
    if (current.legal_hold, current.legal_hold_reason) == (hold, reason):
        return current
    before = {"legal_hold": current.legal_hold, "legal_hold_reason": current.legal_hold_reason}
    current.legal_hold, current.legal_hold_reason = hold, reason
    current.full_clean()
    current.version += 1
    # Without updated_at: the hold is no change to what is known of the person.
    current.save(update_fields=["legal_hold", "legal_hold_reason", "version"])
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.LEGAL_HOLD,
        instance=current,
        changes=diff(before, {"legal_hold": hold, "legal_hold_reason": reason}),
    )
    return current


@transaction.atomic
def beneficiary_pseudonymise(*, beneficiary: Beneficiary, reason: str, acting_user) -> Beneficiary:
    """Erase a person's personal data (DESIGN.md §8), in one step, for good.

    The record and those merged into it (the same person) lose their names, their exact date
    of birth (its year stays) and the free text about them; every registered app clears its
    own (beneficiaries.hooks.erase: assistance clears notes and freezes the age each
    assistance counts with, so no figure moves); the audit trail's snapshots of those fields
    are redacted. Sex, birth year, population, nationality and the reference code stay; the
    access log stays (it names who read the file, not the person). Nothing changes the record
    afterwards. Refused under a legal hold, for a merged duplicate (erase the kept record),
    and twice."""
    current = _record_for_protection(acting_user, beneficiary)
    if reason not in ErasureReason.values:
        raise ValidationError({"reason": _("Indiquez le motif de l'effacement.")})
    if current.merged_into_id:
        raise ValidationError(
            _("Cette fiche a été fusionnée dans une autre : effacez la fiche conservée.")
        )
    if current.pseudonymised_at is not None:
        raise ValidationError(
            _("Les données personnelles de cette personne ont déjà été effacées.")
        )
    records = [current, *current.merged_records.select_for_update().order_by("pk")]
    if any(record.legal_hold for record in records):
        raise ValidationError(
            _("Cette personne est sous gel légal : levez-le avant d'effacer ses données.")
        )
    ids = [record.pk for record in records]
    # First the apps above (the ages they count with are frozen while the dates still exist).
    hooks.erase(ids)
    now = clock.now()
    for record in records:
        if record.date_of_birth is not None:
            record.birth_year = record.date_of_birth.year
        record.first_name = record.last_name = record.legal_hold_reason = ""
        record.date_of_birth = None
        record.legal_hold = False
        record.pseudonymised_at = now
        record.pseudonymisation_reason = reason
        record.full_clean()
        record.version += 1
        record.save(
            update_fields=[
                *ERASED_FIELDS,
                "birth_year",
                "legal_hold",
                "pseudonymised_at",
                "pseudonymisation_reason",
                "version",
                "updated_at",
            ]
        )
    redact_personal(model_label=Beneficiary._meta.label_lower, object_ids=ids, fields=ERASED_FIELDS)
    # The records of their merges kept the values before and after, for an undo: erased too.
    merges_erase(ids)
    # The consent ledger stays (what was agreed, and withdrawn, is the organisation's record),
    # but a withdrawal's reason is the person's own words.
    consents = Consent.objects.filter(beneficiary_id__in=ids)
    consent_ids = list(consents.values_list("pk", flat=True))
    consents.exclude(withdrawal_reason="").update(withdrawal_reason="")
    redact_personal(
        model_label=Consent._meta.label_lower, object_ids=consent_ids, fields=CONSENT_ERASED_FIELDS
    )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.ERASE,
        instance=current,
        changes={"reason": reason, "records": ids, "fields": list(ERASED_FIELDS)},
    )
    return current


@dataclass
class RetentionResult:
    """What a retention run found (and, unless a dry run, pseudonymised) for one
    organisation: the references of the records, in the order of their ids."""

    organisation: Organisation
    references: list[str] = field(default_factory=list)
    # True when the run stopped (row or time bound) with records of the organisation left.
    stopped: bool = False


def retention_apply(
    *,
    acting_user,
    dry_run: bool = False,
    max_records: int = 500,
    batch_size: int = 50,
    max_seconds: float | None = None,
) -> list[RetentionResult]:
    """Pseudonymise the records whose organisation's retention period has passed (DESIGN.md
    §8; beneficiaries.selectors.retention_expired decides which), today by `core.clock`.

    For the ops command and the nightly task (acting_user=SYSTEM) or an IOM officer. Bounded:
    at most `max_records` records in all, read `batch_size` at a time, and no new record once
    `max_seconds` have passed; what is left waits for the next run. Each record is erased in
    its own transaction (a failure leaves the others done) after checking, under its lock,
    that it is still expired (an assistance recorded meanwhile saves it). Idempotent: an
    erased record is never found again. With `dry_run`, nothing is written: the result lists
    what would be erased.
    """
    require_acting_user(acting_user)
    if acting_user is not SYSTEM and not actor_for(acting_user).sees_everything:
        raise PermissionDenied(_("Réservé aux chargé·es OIM."))
    started = time.monotonic()
    today = clock.today()
    results = []
    budget = max_records
    for organisation in Organisation.objects.order_by("pk"):
        result = RetentionResult(organisation=organisation)
        after = 0  # the last record read: each batch goes on from there (a dry run erases
        # nothing, and a record left alone stays expired, so no offset would do)
        expired = retention_expired(organisation=organisation, today=today)
        while True:
            if budget <= 0 or (
                max_seconds is not None and time.monotonic() - started >= max_seconds
            ):
                # Out of bounds: is there more for the next run?
                result.stopped = expired.filter(pk__gt=after).exists()
                break
            batch = list(
                expired.filter(pk__gt=after).values_list("pk", "beneficiary_ref")[
                    : min(batch_size, budget)
                ]
            )
            if not batch:
                break
            for pk, reference in batch:
                after = pk
                if dry_run or _erase_if_expired(pk, organisation, today):
                    result.references.append(reference)
                budget -= 1
        if result.references or result.stopped:
            results.append(result)
        if result.stopped:
            break
    return results


@transaction.atomic
def _erase_if_expired(pk: int, organisation: Organisation, today) -> bool:
    """Erase the record `pk` for the retention run if, under its lock, it is still expired."""
    person = Beneficiary.objects.select_for_update().filter(pk=pk).first()
    if person is None:
        return False
    if not retention_expired(organisation=organisation, today=today).filter(pk=pk).exists():
        return False
    try:
        with transaction.atomic():
            beneficiary_pseudonymise(
                beneficiary=person, reason=ErasureReason.RETENTION, acting_user=SYSTEM
            )
    except ValidationError:
        # Refused by a rule the selector does not know (yet): the record waits, the run goes
        # on with the others; the log says which.
        logger.warning("retention: record %s refused its erasure", pk, exc_info=True)
        return False
    return True
