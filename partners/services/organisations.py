"""Writes of organisations: create, change (kind and deactivation checked), the ops
commands' upsert, and the numbering of their case files."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_log, diff, snapshot
from core.models import AuditEntry
from partners.access import SYSTEM, actor_for, require_acting_user
from partners.choices import ROLE_ORGANISATION_KINDS, OrganisationKind
from partners.models import DEFAULT_RETENTION_YEARS, City, Organisation, ReferenceSequence
from partners.services.base import apply_fields, check_editable
from partners.services.tokens import end_api_access

ORGANISATION_EDITABLE = frozenset(
    {"slug", "name", "kind", "city", "is_active", "retention_years", "requires_second_factor"}
)


@transaction.atomic
def organisation_create(
    *,
    slug: str,
    name: str,
    kind: str,
    city: City | None = None,
    is_active: bool = True,
    retention_years: int = DEFAULT_RETENTION_YEARS,
    requires_second_factor: bool = False,
    acting_user=SYSTEM,
) -> Organisation:
    """Create an organisation."""
    require_acting_user(acting_user)
    organisation = Organisation(slug=slug)
    fields = {
        "name": name,
        "kind": kind,
        "city": city,
        "is_active": is_active,
        "retention_years": retention_years,
        "requires_second_factor": requires_second_factor,
    }
    changes = apply_fields(organisation, fields)
    audit_log(
        actor=acting_user, instance=organisation, action=AuditEntry.Action.CREATE, changes=changes
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, acting_user=SYSTEM, **fields
) -> Organisation:
    """Change an organisation, its slug included (it keeps its id, people and history).

    Its kind changes only when nothing contradicts the new one (members, records, projects).
    Deactivating it ends the access of every member on their next request (partners.access) and
    revokes their API tokens; no one deactivates their own organisation.
    """
    require_acting_user(acting_user)
    check_editable(fields, ORGANISATION_EDITABLE, "organisation_update")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if fields.get("kind", organisation.kind) != organisation.kind:
        _check_kind_change(organisation, fields["kind"])
    deactivating = organisation.is_active and fields.get("is_active") is False
    if deactivating and actor_for(acting_user).organisation_id == organisation.pk:
        raise ValidationError(
            {
                "is_active": _(
                    "Vous ne pouvez pas désactiver votre propre organisation : vous perdriez "
                    "votre accès, et chacun de ses membres le sien."
                )
            }
        )
    changes = apply_fields(organisation, fields)
    if deactivating:
        end_api_access(
            get_user_model().objects.filter(membership__organisation=organisation),
            acting_user=acting_user,
        )
    if changes:
        audit_log(
            actor=acting_user,
            instance=organisation,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return organisation


def _check_kind_change(organisation: Organisation, kind: str) -> None:
    """Refuse (ValidationError on `kind`) to make `organisation` of `kind` while its members,
    records or projects contradict it: a donor has only donor users, keeps no record and
    implements no project; the donor of a project stays a donor."""
    new_kind = OrganisationKind(kind).label
    reasons = []
    allowed = [role for role, kinds in ROLE_ORGANISATION_KINDS.items() if kind in kinds]
    misfits = organisation.memberships.exclude(role__in=allowed).count()
    if misfits:
        reasons.append(
            ngettext(
                "%(count)s membre a un rôle impossible dans une organisation de type "
                "« %(kind)s » : changez d'abord son rôle ou son organisation.",
                "%(count)s membres ont un rôle impossible dans une organisation de type "
                "« %(kind)s » : changez d'abord leur rôle ou leur organisation.",
                misfits,
            )
            % {"count": misfits, "kind": new_kind}
        )
    if kind == OrganisationKind.DONOR:
        if organisation.implemented_projects.exists():
            reasons.append(
                _(
                    "Cette organisation met en œuvre des projets ; un bailleur n'en met jamais "
                    "en œuvre."
                )
            )
        held = _records_held(organisation)
        if held:
            reasons.append(
                _(
                    "Cette organisation tient des dossiers (%(records)s) ; un bailleur n'en "
                    "tient jamais."
                )
                % {"records": ", ".join(held)}
            )
    elif organisation.kind == OrganisationKind.DONOR and organisation.projects.exists():
        reasons.append(
            _(
                "Cette organisation finance des projets, dont le bailleur doit rester de type "
                "« bailleur »."
            )
        )
    if reasons:
        raise ValidationError({"kind": reasons})


def _records_held(organisation: Organisation) -> list[str]:
    """The kinds of record the other apps keep under `organisation` (people, assistances,
    referrals, imports…), found through the reverse relations of their foreign keys: the apps
    above partners are never imported here."""
    held = []
    for relation in Organisation._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label == Organisation._meta.app_label:
            continue  # memberships, projects and numbering: checked above or harmless
        if model._base_manager.filter(**{relation.field.name: organisation}).exists():
            held.append(str(model._meta.verbose_name_plural))
    return sorted(set(held))


def organisation_upsert(
    *,
    slug: str,
    name: str,
    kind: str,
    city: City | None = None,
    requires_second_factor: bool | None = None,
    acting_user=SYSTEM,
) -> tuple[Organisation, bool]:
    """Create the organisation `slug`, or update its name, kind and city (ops commands).
    Whether it asks a second factor of all its members changes only when given (None keeps
    what an officer set in the admin)."""
    existing = Organisation.objects.filter(slug=slug).first()
    optional = {"city": city, "requires_second_factor": requires_second_factor}
    optional = {k: v for k, v in optional.items() if v is not None}
    if existing is None:
        return organisation_create(
            slug=slug, name=name, kind=kind, acting_user=acting_user, **optional
        ), True
    fields = {"name": name, "kind": kind, **optional}
    return organisation_update(organisation=existing, acting_user=acting_user, **fields), False


@transaction.atomic
def reference_sequence_configure(
    *, organisation: Organisation, prefix: str, acting_user=SYSTEM
) -> ReferenceSequence:
    """Set the prefix of an organisation's case-file references. The numbering goes on from
    the last number given (references already given never change)."""
    require_acting_user(acting_user)
    sequence = ReferenceSequence.objects.select_for_update().filter(pk=organisation.pk).first()
    created = sequence is None
    before = {} if created else snapshot(sequence)
    sequence = sequence or ReferenceSequence(organisation=organisation)
    sequence.prefix = prefix.strip()
    sequence.full_clean()
    sequence.save()
    audit_log(
        actor=acting_user,
        instance=sequence,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(sequence)),
    )
    return sequence
