"""Merging two records of one person, and undoing it (named in beneficiaries.services too).

Who: an IOM officer merges records of any organisations; a partner manager, two records of
their own organisation; nobody else (a caseworker flags a duplicate to them). Only an IOM
officer undoes a merge, and only while no closed period covers a delivered assistance of the
two records (each app says so through beneficiaries.hooks.merge_undo_refusal): the figures
published for a closed period never move.

A merge, in one audited step: the values the user chose (per group of `MERGE_CHOICES`) are
written on the kept record; every registered app moves its rows of the duplicate to the kept
record (beneficiaries.hooks.merge_move: assistances, referrals, return cases; cases when the
cases app lands); the consents and shared accesses follow; the duplicate is marked merged
(`merged_into`), so the person counts once; a `BeneficiaryMerge` records what moved and the
kept record's values before, for the undo. The fact table of the figures follows by itself
(reporting's triggers on the rows moved and on the person's fields).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries import hooks
from beneficiaries.choices import ConsentPurpose
from beneficiaries.consents.services import user_or_none
from beneficiaries.models import (
    ERASED_FIELDS,
    PERSON_FIELDS,
    Beneficiary,
    BeneficiaryAccess,
    BeneficiaryMerge,
    Consent,
)
from core import clock
from core.audit import audit_log, diff, plain, snapshot
from core.models import AuditEntry
from partners.access import actor_for
from partners.choices import Role
from partners.permissions import require_writer

# The person fields whose surviving value the user chooses, each group chosen as one (a date
# of birth and its year must agree: clean() refuses them apart), keyed by its first field.
# The reference stays the kept record's: it is that organisation's file number, unique in it
# (choose which record is kept instead). The consent fields follow the consent ledger, which
# the merge moves: a live `services` consent of the duplicate gives the kept record its consent.
MERGE_CHOICES = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "sex": ("sex",),
    "date_of_birth": ("date_of_birth", "birth_year"),
    "nationality": ("nationality",),
    "city": ("city",),
    "legal_status": ("legal_status",),
    "is_migrant": ("is_migrant",),
    "registered_on": ("registered_on",),
    "vulnerabilities": ("vulnerabilities",),
}
MERGE_CHOICE_LABELS = {
    "date_of_birth": gettext_lazy("Date ou année de naissance"),
}


def _attname(name: str) -> str:
    return Beneficiary._meta.get_field(name).attname


# The kept record's values a merge may change and an undo gives back (attnames: city_id).
KEPT_VALUES = tuple(_attname(name) for name in PERSON_FIELDS)


def person_values(person: Beneficiary) -> dict:
    """The person fields of `person`, as JSON-ready values (city as its id)."""
    return {name: plain(getattr(person, name)) for name in KEPT_VALUES}


def _from_json(attname: str, value):
    if value is None:
        return None
    field = next(f for f in Beneficiary._meta.concrete_fields if f.attname == attname)
    return field.to_python(value)


def may_merge(user, *people: Beneficiary) -> bool:
    """Whether `user` may merge records such as `people` (records they see): an IOM officer,
    or the manager of the organisation that owns every one of them."""
    actor = actor_for(user)
    if actor.sees_everything:
        return True
    return (
        actor.role == Role.PARTNER_MANAGER
        and bool(actor.organisation_id)
        and all(person.organisation_id == actor.organisation_id for person in people)
    )


def mergeable(person: Beneficiary) -> bool:
    """A record that can take part in a merge: not merged already, not pseudonymised."""
    return person.merged_into_id is None and person.pseudonymised_at is None


@transaction.atomic
def beneficiary_merge(
    *,
    duplicate: Beneficiary,
    keep: Beneficiary,
    acting_user,
    take_from_duplicate: Iterable[str] = (),
) -> Beneficiary:
    """Fold `duplicate` into `keep` (see the module's docstring); `take_from_duplicate` names
    the groups of `MERGE_CHOICES` whose value survives from the duplicate (the others keep the
    kept record's). Both records must be visible to the user, not merged, not pseudonymised;
    a partner manager merges only their own organisation's records. Returns the kept record."""
    actor = require_writer(acting_user)
    if not (actor.sees_everything or actor.role == Role.PARTNER_MANAGER):
        raise PermissionDenied(
            _("Seul·es les responsables d'une organisation et l'OIM fusionnent des fiches.")
        )
    chosen = list(dict.fromkeys(take_from_duplicate))
    unknown = set(chosen) - set(MERGE_CHOICES)
    if unknown:
        raise TypeError(f"not a merge choice: {', '.join(sorted(unknown))}")
    visible = Beneficiary.objects.visible_to(acting_user).select_for_update()
    records = {b.pk: b for b in visible.filter(pk__in=[duplicate.pk, keep.pk]).order_by("pk")}
    if len(records) != 2 or duplicate.pk == keep.pk:
        raise PermissionDenied(_("Ces fiches ne peuvent pas être fusionnées."))
    duplicate, keep = records[duplicate.pk], records[keep.pk]
    if not may_merge(acting_user, duplicate, keep):
        raise PermissionDenied(_("Seule l'OIM peut fusionner des fiches de deux organisations."))
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Une de ces fiches est déjà fusionnée."))
    if duplicate.pseudonymised_at or keep.pseudonymised_at:
        raise ValidationError(
            _(
                "Les données personnelles d'une de ces fiches ont été effacées : elles ne se "
                "fusionnent plus."
            )
        )
    audited_before, kept_before = snapshot(keep), person_values(keep)
    for group in chosen:
        for name in MERGE_CHOICES[group]:
            setattr(keep, _attname(name), getattr(duplicate, _attname(name)))
    # The surviving values must make a valid record: refused before anything moves.
    keep.full_clean()

    moved = hooks.merge_move(duplicate, keep)
    moved["consents"] = _move_consents(duplicate, keep)
    # The organisations the duplicate was shared with see the kept record: the accesses
    # created here (not those the kept record had) go again with an undo.
    moved["accesses"] = []
    for organisation_id in duplicate.accesses.values_list("organisation_id", flat=True):
        access, created = BeneficiaryAccess.objects.get_or_create(
            beneficiary=keep, organisation_id=organisation_id
        )
        if created:
            moved["accesses"].append(access.pk)
    _consent_fields_from_ledger(keep)

    keep.version += 1
    keep.save(update_fields=[*KEPT_VALUES, "version", "updated_at"])
    duplicate.merged_into = keep
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])
    kept_after = {
        name: value for name, value in person_values(keep).items() if kept_before[name] != value
    }
    merge = BeneficiaryMerge.objects.create(
        duplicate=duplicate,
        keep=keep,
        merged_by=user_or_none(acting_user),
        merged_at=clock.now(),
        moved=moved,
        kept_before=kept_before,
        kept_after=kept_after,
    )
    counts = {relation: len(ids) for relation, ids in moved.items()}
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.MERGE,
        instance=duplicate,
        changes={"merged_into": keep.pk, "moved": counts, "merge": merge.pk},
    )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.MERGE,
        instance=keep,
        changes={
            **diff(audited_before, snapshot(keep)),
            "merged": duplicate.pk,
            "moved": counts,
            "merge": merge.pk,
        },
    )
    return keep


def _move_consents(duplicate: Beneficiary, keep: Beneficiary) -> list[int]:
    """The person's consents follow their record, except a live one the kept record already
    has for the same purpose and recipient (one live consent per purpose): it stays on the
    duplicate. Returns the ids moved."""
    already = Consent.objects.live().filter(beneficiary=keep).values("purpose", "recipient_id")
    kept_live = {(row["purpose"], row["recipient_id"]) for row in already}
    movable = sorted(
        c.pk
        for c in duplicate.consents.all()
        if not (c.is_live and (c.purpose, c.recipient_id) in kept_live)
    )
    Consent.objects.filter(pk__in=movable).update(beneficiary=keep)
    return movable


def _consent_fields_from_ledger(keep: Beneficiary) -> None:
    """The person's `consent` fields mirror their live `services` consent (as the consent
    services keep them): one that came from the duplicate gives the kept record its consent."""
    if keep.consent:
        return
    live = (
        Consent.objects.live()
        .filter(beneficiary=keep, purpose=ConsentPurpose.SERVICES, recipient__isnull=True)
        .first()
    )
    if live is not None:
        keep.consent, keep.consent_on = True, live.given_on


@transaction.atomic
def beneficiary_merge_undo(*, merge: BeneficiaryMerge, acting_user) -> BeneficiaryMerge:
    """Undo a merge (IOM officers only): the rows that moved go back to the duplicate (each
    registered app's, the consents; the accesses the merge created go), the kept record gets
    back its values from before the merge (those the merge changed and nobody changed since),
    and the duplicate is a record of its own again; audited on both records.

    Refused (ValidationError, nothing changed) once undone, when either record has since been
    merged elsewhere or pseudonymised, and while a closed period covers a delivered
    assistance of the two records (beneficiaries.hooks.merge_undo_refusal)."""
    actor = actor_for(acting_user)
    if not actor.sees_everything:
        raise PermissionDenied(_("Seul·es les chargé·es OIM annulent une fusion."))
    record = (
        BeneficiaryMerge.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .filter(pk=merge.pk)
        .first()
    )
    if record is None:
        raise PermissionDenied(_("Cette fusion n'est pas accessible."))
    if record.undone_at is not None:
        raise ValidationError(_("Cette fusion a déjà été annulée."))
    people = Beneficiary.objects.select_for_update().filter(
        pk__in=[record.duplicate_id, record.keep_id]
    )
    records = {person.pk: person for person in people.order_by("pk")}
    duplicate, keep = records[record.duplicate_id], records[record.keep_id]
    if keep.merged_into_id is not None:
        raise ValidationError(
            _(
                "La fiche conservée a depuis été fusionnée dans une autre : annulez d'abord "
                "cette fusion-là."
            )
        )
    if duplicate.merged_into_id != keep.pk:
        raise ValidationError(_("Cette fiche n'est plus fusionnée dans la fiche conservée."))
    if duplicate.pseudonymised_at or keep.pseudonymised_at:
        raise ValidationError(
            _(
                "Les données personnelles de cette personne ont été effacées : la fusion ne "
                "s'annule plus."
            )
        )
    refusal = hooks.merge_undo_refusal([duplicate.pk, keep.pk])
    if refusal:
        raise ValidationError(refusal)

    moved = record.moved or {}
    hooks.merge_restore(moved, duplicate)
    Consent.objects.filter(pk__in=moved.get("consents") or [], beneficiary=keep).update(
        beneficiary=duplicate
    )
    BeneficiaryAccess.objects.filter(pk__in=moved.get("accesses") or [], beneficiary=keep).delete()

    audited_before, current = snapshot(keep), person_values(keep)
    for name, written in (record.kept_after or {}).items():
        # A value changed again since the merge is the newer truth: it stays.
        if name in current and current[name] == written:
            setattr(keep, name, _from_json(name, record.kept_before.get(name)))
    keep.full_clean()
    keep.version += 1
    keep.save(update_fields=[*KEPT_VALUES, "version", "updated_at"])
    duplicate.merged_into = None
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])
    record.undone_at, record.undone_by = clock.now(), user_or_none(acting_user)
    record.save(update_fields=["undone_at", "undone_by"])
    counts = {relation: len(ids) for relation, ids in moved.items()}
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UNMERGE,
        instance=duplicate,
        changes={"merged_into": [keep.pk, None], "restored": counts, "merge": record.pk},
    )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UNMERGE,
        instance=keep,
        changes={
            **diff(audited_before, snapshot(keep)),
            "unmerged": duplicate.pk,
            "merge": record.pk,
        },
    )
    return record


def merges_erase(person_ids: list[int]) -> None:
    """Inside beneficiary_pseudonymise: the merge records of these people keep no name and no
    exact date of birth (their year stays), like the records themselves."""
    erased = {_attname(name) for name in ERASED_FIELDS} & set(KEPT_VALUES)
    merges = BeneficiaryMerge.objects.filter(keep_id__in=person_ids) | (
        BeneficiaryMerge.objects.filter(duplicate_id__in=person_ids)
    )
    for merge in merges.select_for_update():
        for values in (merge.kept_before, merge.kept_after):
            for name in erased & set(values):
                values[name] = None if name == "date_of_birth" else ""
        merge.save(update_fields=["kept_before", "kept_after"])
