"""Writes of the beneficiaries app: register, update, share; merge (beneficiaries.merges);
and DESIGN.md §8's legal hold, pseudonymisation and retention run. Each one is audited.

A person's `consent` field is mirrored into the consent ledger (beneficiaries.consents.services):
registering or updating a person records their `services` consent, or withdraws it."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from beneficiaries import hooks
from beneficiaries.choices import ConsentPurpose
from beneficiaries.consents.services import mirror_services_consent, user_or_none

# Merging duplicates, and undoing a merge, live in their own module.
from beneficiaries.merges.services import (  # noqa: F401 (the app's services, named here too)
    beneficiary_merge,
    beneficiary_merge_undo,
)
from beneficiaries.models import PERSON_FIELDS, Beneficiary, BeneficiaryAccess, Consent

# DESIGN.md §8's writes (legal hold, erasure, the retention run) live in their own module.
from beneficiaries.protection import (  # noqa: F401 (the app's services, named here too)
    beneficiary_pseudonymise,
    beneficiary_set_legal_hold,
    retention_apply,
)
from beneficiaries.selectors import next_reference_number, reference_sequence_of
from core import clock
from core.audit import audit_create, audit_log, audit_log_many, diff, snapshot
from core.exceptions import ConflictError
from core.models import AuditEntry
from core.text import plain_text
from partners.access import actor_for
from partners.models import ReferenceSequence
from partners.permissions import acting_organisation_id, require_writer

# Fields a caller may set (a city by object or by id).
EDITABLE_FIELDS = frozenset({*PERSON_FIELDS, "city_id"})


# The foreign keys a batch write checks once for the whole batch instead of once per row
# (full_clean would query each one); every other rule of the model runs per row. The importer
# validates its rows with this same call.
BATCH_CLEAN_EXCLUDE = ["organisation", "city", "merged_into", "created_by"]


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable through this service: {', '.join(sorted(unknown))}")


@transaction.atomic
def beneficiary_register(*, acting_user, organisation=None, **fields) -> Beneficiary:
    """Register a person in the acting user's organisation (an IOM officer may name one).
    Without a `beneficiary_ref` (or one of invisible characters only), the organisation's
    next reference is given."""
    _check_fields(fields)
    organisation_id = acting_organisation_id(acting_user, organisation)
    allocated = not plain_text(fields.get("beneficiary_ref") or "")
    if allocated:
        fields["beneficiary_ref"] = _allocate_reference(organisation_id, acting_user)
    beneficiary = Beneficiary(organisation_id=organisation_id, created_by=acting_user, **fields)
    beneficiary.full_clean()
    while not _saved_with_its_reference(beneficiary):
        if not allocated:
            raise _reference_taken()
        # Typed by hand in a registration that committed meanwhile: the next number.
        beneficiary.beneficiary_ref = _allocate_reference(organisation_id, acting_user)
    audit_create(actor=acting_user, instance=beneficiary)
    mirror_services_consent(beneficiary, acting_user)
    hooks.registered([beneficiary], acting_user=acting_user)
    return beneficiary


REFERENCE_CONSTRAINT = "beneficiary_ref_unique_per_organisation"


def _saved_with_its_reference(beneficiary: Beneficiary) -> bool:
    """Save `beneficiary`; False when the database refuses its reference. full_clean's
    uniqueness check cannot see a registration that has not committed yet: when two save the
    same reference at the same moment (typed by hand in one, typed or allocated in the other),
    the unique constraint refuses the second once the first commits."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            beneficiary.save()
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != (
            REFERENCE_CONSTRAINT
        ):
            raise
        return False
    return True


def _reference_taken() -> ValidationError:
    """The form's own message for a reference already used in the organisation."""
    constraint = next(c for c in Beneficiary._meta.constraints if c.name == REFERENCE_CONSTRAINT)
    return ValidationError({"beneficiary_ref": constraint.get_violation_error_message()})


def _allocate_reference(organisation_id: int, acting_user) -> str:
    """Take the organisation's next case-file reference. Its sequence row stays locked (SELECT
    … FOR UPDATE) until the registration commits: concurrent registrations queue there and
    each gets its own number, and a registration that fails gives its number back."""
    locked = ReferenceSequence.objects.select_for_update()
    sequence = locked.filter(pk=organisation_id).first()
    if sequence is None:
        # The first number ever: two first registrations may both get here; the insert of
        # the second waits for the first to commit, then finds its row; both then wait for
        # that row's lock.
        new = reference_sequence_of(organisation_id)
        sequence, created = ReferenceSequence.objects.get_or_create(
            organisation_id=organisation_id,
            defaults={"prefix": new.prefix, "last_number": new.last_number},
        )
        if created:
            audit_create(actor=acting_user, instance=sequence)
        sequence = locked.get(pk=organisation_id)
    sequence.last_number = next_reference_number(sequence)
    sequence.save(update_fields=["last_number"])
    return sequence.reference(sequence.last_number)


@transaction.atomic
def beneficiary_register_many(
    *, acting_user, beneficiaries: Sequence[Beneficiary]
) -> list[Beneficiary]:
    """Register many people at once (demo data, imports): the same checks, batched writes.

    Foreign keys are checked once for the batch rather than once per row.
    """
    actor = require_writer(acting_user)
    for beneficiary in beneficiaries:
        if not actor.sees_everything and beneficiary.organisation_id != actor.organisation_id:
            raise PermissionDenied(_("Vous ne pouvez enregistrer que pour votre organisation."))
        beneficiary.created_by = acting_user
        beneficiary.full_clean(
            exclude=BATCH_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False
        )
    created = Beneficiary.objects.bulk_create(beneficiaries, batch_size=2000)
    audit_log_many(actor=acting_user, action=AuditEntry.Action.CREATE, instances=created)
    consents = Consent.objects.bulk_create(
        [
            Consent(
                beneficiary=person,
                purpose=ConsentPurpose.SERVICES,
                given_on=person.consent_on or clock.today(),
                recorded_by=user_or_none(acting_user),
                organisation_id=person.organisation_id,
            )
            for person in created
            if person.consent
        ],
        batch_size=2000,
    )
    audit_log_many(actor=acting_user, action=AuditEntry.Action.CREATE, instances=consents)
    hooks.registered(created, acting_user=acting_user)
    return created


@transaction.atomic
def beneficiary_update(
    *, beneficiary: Beneficiary, acting_user, expected_version: int | None = None, **fields
) -> Beneficiary:
    """Change a person's record. With `expected_version`, refuse (ConflictError) if someone
    else saved in between, so nothing is silently overwritten."""
    _check_fields(fields)
    require_writer(acting_user)
    current = (
        Beneficiary.objects.visible_to(acting_user)
        .select_for_update()
        .filter(pk=beneficiary.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("Ce bénéficiaire n'est pas accessible."))
    if current.pseudonymised_at is not None:
        raise ValidationError(
            _(
                "Les données personnelles de cette personne ont été effacées : sa fiche ne "
                "se modifie plus."
            )
        )
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current)
    if not actor_for(acting_user).sees_everything and (
        current.organisation_id != actor_for(acting_user).organisation_id
    ):
        raise PermissionDenied(
            _("Seule l'organisation qui a enregistré la personne peut modifier sa fiche.")
        )
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    if not _saved_with_its_reference(current):
        raise _reference_taken()
    changes = diff(before, snapshot(current))
    if changes:
        audit_log(
            actor=acting_user, action=AuditEntry.Action.UPDATE, instance=current, changes=changes
        )
    mirror_services_consent(current, acting_user)
    return current


@transaction.atomic
def beneficiary_share(
    *, beneficiary: Beneficiary, organisation, referral=None, acting_user
) -> BeneficiaryAccess:
    """Give `organisation` access to the person (when it accepts a referral)."""
    access, created = BeneficiaryAccess.objects.get_or_create(
        beneficiary=beneficiary, organisation=organisation, defaults={"referral": referral}
    )
    if created:
        audit_log(
            actor=acting_user,
            action=AuditEntry.Action.ACCESS,
            instance=beneficiary,
            changes={"organisation": organisation.pk, "referral": getattr(referral, "pk", None)},
        )
    return access
