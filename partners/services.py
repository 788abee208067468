"""Writes of the partners app: organisations, projects, users and their memberships."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from core.access import actor_for, forget_actor
from core.audit import audit_log, diff, snapshot
from core.models import AuditEntry
from partners.choices import ROLE_ORGANISATION_KINDS, OrganisationKind, Role
from partners.models import City, Membership, Organisation, Project, ReferenceSequence

ORGANISATION_EDITABLE = frozenset({"slug", "name", "kind", "city", "is_active"})
PROJECT_EDITABLE = frozenset(
    {"code", "title", "donor", "start", "end", "budget", "currency", "small_cell_threshold"}
)
# What can change after creation: a code never does (project_update).
PROJECT_CHANGEABLE = PROJECT_EDITABLE - {"code"}
MEMBERSHIP_EDITABLE = frozenset({"organisation", "role", "is_active"})


def _check_editable(fields: dict, editable: frozenset, service: str) -> None:
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"{service} cannot write: {', '.join(sorted(unknown))}")


def _apply(instance, fields: dict) -> dict:
    """Set `fields` on `instance`, validate it, save it; return the audit diff."""
    before = snapshot(instance) if instance.pk else {}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return diff(before, snapshot(instance))


@transaction.atomic
def organisation_create(
    *,
    slug: str,
    name: str,
    kind: str,
    city: City | None = None,
    is_active: bool = True,
    acting_user=None,
) -> Organisation:
    """Create an organisation."""
    organisation = Organisation(slug=slug)
    fields = {"name": name, "kind": kind, "city": city, "is_active": is_active}
    changes = _apply(organisation, fields)
    audit_log(
        actor=acting_user, instance=organisation, action=AuditEntry.Action.CREATE, changes=changes
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, acting_user=None, **fields) -> Organisation:
    """Change an organisation, its slug included (it keeps its id, people and history).

    Its kind changes only when nothing contradicts the new one (members, records, projects).
    Deactivating it ends the access of every member on their next request (core.access) and
    deletes their API tokens; no one deactivates their own organisation.
    """
    _check_editable(fields, ORGANISATION_EDITABLE, "organisation_update")
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
    changes = _apply(organisation, fields)
    if deactivating:
        _end_api_access(get_user_model().objects.filter(membership__organisation=organisation))
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
    *, slug: str, name: str, kind: str, city: City | None = None, acting_user=None
) -> tuple[Organisation, bool]:
    """Create the organisation `slug`, or update its name, kind and city (ops commands)."""
    existing = Organisation.objects.filter(slug=slug).first()
    if existing is None:
        return organisation_create(
            slug=slug, name=name, kind=kind, city=city, acting_user=acting_user
        ), True
    fields = {"name": name, "kind": kind, **({"city": city} if city is not None else {})}
    return organisation_update(organisation=existing, acting_user=acting_user, **fields), False


def _set_places(
    project: Project,
    partners: Iterable[Organisation] | None,
    cities: Iterable[City] | None,
) -> dict:
    """Replace the project's partners and cities when given; return the audit diff.

    A partner added to a project must be a record keeper (an active partner or IOM, never a
    donor): its people and assistances are counted for the project. One closed since it
    joined stays (its assistances keep their project)."""
    changes = {}
    if partners is not None:
        partners = list(partners)
        _check_new_partners(project, partners)
        before = sorted(project.partners.values_list("slug", flat=True))
        project.partners.set(partners)
        after = sorted(project.partners.values_list("slug", flat=True))
        if before != after:
            changes["partners"] = [before, after]
    if cities is not None:
        before = sorted(project.cities.values_list("code", flat=True))
        project.cities.set(cities)
        after = sorted(project.cities.values_list("code", flat=True))
        if before != after:
            changes["cities"] = [before, after]
    return changes


def _check_new_partners(project: Project, partners: list) -> None:
    current = set(project.partners.values_list("pk", flat=True))
    added = {getattr(partner, "pk", partner) for partner in partners} - current
    refused = Organisation.objects.filter(pk__in=added).exclude(
        pk__in=Organisation.objects.record_keepers()
    )
    names = [str(organisation) for organisation in refused]
    if names:
        raise ValidationError(
            {
                "partners": ngettext(
                    "« %(names)s » ne peut pas mettre en œuvre un projet : choisissez des "
                    "partenaires actifs ou l'OIM (pas un bailleur).",
                    "« %(names)s » ne peuvent pas mettre en œuvre un projet : choisissez des "
                    "partenaires actifs ou l'OIM (pas un bailleur).",
                    len(names),
                )
                % {"names": ", ".join(names)}
            }
        )


@transaction.atomic
def project_create(
    *,
    code: str,
    partners: Iterable[Organisation] | None = None,
    cities: Iterable[City] | None = None,
    acting_user=None,
    **fields,
) -> Project:
    """Create a project (title, donor, start and end at least)."""
    _check_editable(fields, PROJECT_EDITABLE, "project_create")
    project = Project(code=code)
    changes = _apply(project, {name: value for name, value in fields.items() if value is not None})
    changes.update(_set_places(project, partners, cities))
    audit_log(actor=acting_user, instance=project, action=AuditEntry.Action.CREATE, changes=changes)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    partners: Iterable[Organisation] | None = None,
    cities: Iterable[City] | None = None,
    acting_user=None,
    **fields,
) -> Project:
    """Change a project; partners and cities, when given, replace the current ones. Its code
    never changes: it names the project in commands, import files and published bilans."""
    _check_editable(fields, PROJECT_EDITABLE, "project_update")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if fields.get("code", project.code) != project.code:
        raise ValidationError(
            {
                "code": _(
                    "Le code d'un projet ne change pas : il le nomme dans les commandes, les "
                    "fichiers d'import et les bilans publiés."
                )
            }
        )
    changes = _apply(project, fields)
    changes.update(_set_places(project, partners, cities))
    if changes:
        audit_log(
            actor=acting_user, instance=project, action=AuditEntry.Action.UPDATE, changes=changes
        )
    return project


def project_upsert(
    *,
    code: str,
    title: str,
    donor: Organisation,
    start: datetime.date,
    end: datetime.date,
    partners: Iterable[Organisation] | None = None,
    cities: Iterable[City] | None = None,
    budget: Decimal | None = None,
    currency: str | None = None,
    small_cell_threshold: int | None = None,
    acting_user=None,
) -> tuple[Project, bool]:
    """Create the project `code`, or update it (ops commands). Partners and cities, when
    given, replace the current ones; budget, currency and k are kept when not given."""
    fields = {"title": title, "donor": donor, "start": start, "end": end}
    optional = {"budget": budget, "currency": currency or None}
    optional["small_cell_threshold"] = small_cell_threshold
    fields.update({name: value for name, value in optional.items() if value is not None})
    existing = Project.objects.filter(code=code).first()
    places = {"partners": partners, "cities": cities, "acting_user": acting_user}
    if existing is None:
        return project_create(code=code, **places, **fields), True
    return project_update(project=existing, **places, **fields), False


def _end_api_access(users) -> None:
    """Revoked users' API tokens die with their access (their session is refused at the
    next request by core.auth.MemberBackend)."""
    Token.objects.filter(user__in=users).delete()


# The apps whose models IOM officers manage in the admin.
ADMIN_APP_LABELS = ["partners", "beneficiaries", "assistance", "reporting", "bilans", "core"]


def _sync_admin_access(membership: Membership) -> None:
    """The admin is for IOM officers (DESIGN.md section 5): a user is staff, with the
    permissions of the project's models, exactly while their membership is an active IOM
    officer's. Every write of a membership ends here, so promoting someone opens the admin to
    them and demoting or revoking them closes it (a superuser stays staff)."""
    user = membership.user
    officer = membership.is_active and membership.role == Role.IOM_OFFICER
    permissions = Permission.objects.filter(content_type__app_label__in=ADMIN_APP_LABELS)
    if officer:
        user.user_permissions.add(*permissions)
    else:
        user.user_permissions.remove(*permissions)
    is_staff = officer or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def membership_create(
    *, user, organisation: Organisation, role: str, is_active: bool = True, acting_user=None
):
    """Give an existing user their place: one organisation and one role (and the admin, to
    an IOM officer)."""
    membership = Membership(user=user)
    fields = {"organisation": organisation, "role": role, "is_active": is_active}
    changes = _apply(membership, fields)
    _sync_admin_access(membership)
    forget_actor(user)
    audit_log(
        actor=acting_user, instance=membership, action=AuditEntry.Action.CREATE, changes=changes
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, acting_user=None, **fields) -> Membership:
    """Change a user's organisation or role, or revoke (`is_active=False`) or restore their
    access. A revoked user is signed out of pages and API on their next request; the admin
    follows the role (IOM officers only)."""
    _check_editable(fields, MEMBERSHIP_EDITABLE, "membership_update")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    changes = _apply(membership, fields)
    _sync_admin_access(membership)
    forget_actor(membership.user)
    if not membership.is_active or "organisation_id" in changes:
        _end_api_access([membership.user])
    if changes:
        audit_log(
            actor=acting_user,
            instance=membership,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return membership


@transaction.atomic
def user_upsert(
    *,
    username: str,
    organisation: Organisation,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    validate: bool = True,
    reactivate: bool = False,
    acting_user=None,
):
    """Create the user `username` with an active membership, or update its role,
    organisation and password (ops commands). A membership revoked in the admin stays revoked
    unless `reactivate` is True: a deployment script that runs again must not undo a
    revocation. The password is checked by Django's validators unless `validate` is False
    (demo accounts)."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    user = user or User(username=username)
    user.email = email or user.email
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    if password:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        membership_create(user=user, organisation=organisation, role=role, acting_user=acting_user)
    else:
        membership_update(
            membership=membership,
            organisation=organisation,
            role=role,
            **({"is_active": True} if reactivate else {}),
            acting_user=acting_user,
        )
    user.refresh_from_db(fields=["is_staff"])  # set by the membership's service
    return user, created


@transaction.atomic
def reference_sequence_configure(
    *, organisation: Organisation, prefix: str, acting_user=None
) -> ReferenceSequence:
    """Set the prefix of an organisation's case-file references. The numbering goes on from
    the last number given (references already given never change)."""
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
