"""Writes of the partners app: organisations, projects, users and their memberships."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from core.access import forget_actor
from core.audit import audit_log, diff, snapshot
from core.models import AuditEntry
from partners.models import City, Membership, Organisation, Project, ReferenceSequence


@transaction.atomic
def organisation_upsert(
    *, slug: str, name: str, kind: str, city: City | None = None, acting_user=None
) -> tuple[Organisation, bool]:
    """Create the organisation `slug`, or update its name, kind and city."""
    organisation = Organisation.objects.select_for_update().filter(slug=slug).first()
    created = organisation is None
    before = {} if created else snapshot(organisation)
    organisation = organisation or Organisation(slug=slug)
    organisation.name = name
    organisation.kind = kind
    if city is not None:
        organisation.city = city
    organisation.full_clean()
    organisation.save()
    audit_log(
        actor=acting_user,
        instance=organisation,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(organisation)),
    )
    return organisation, created


@transaction.atomic
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
    """Create the project `code`, or update it. Partners and cities, when given, replace the
    current ones."""
    project = Project.objects.select_for_update().filter(code=code).first()
    created = project is None
    before = {} if created else snapshot(project)
    project = project or Project(code=code)
    project.title = title
    project.donor = donor
    project.start = start
    project.end = end
    if budget is not None:
        project.budget = budget
    if currency:
        project.currency = currency
    if small_cell_threshold is not None:
        project.small_cell_threshold = small_cell_threshold
    project.full_clean()
    project.save()
    if partners is not None:
        project.partners.set(partners)
    if cities is not None:
        project.cities.set(cities)
    audit_log(
        actor=acting_user,
        instance=project,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(project)),
    )
    return project, created


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
    acting_user=None,
):
    """Create the user `username` with its membership, or update role, organisation and
    password. The password is checked by Django's validators unless `validate` is False
    (demo accounts)."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    user = user or User(username=username)
    user.email = email or user.email
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    user.is_staff = role == "iom_officer"  # IOM officers use the admin
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
    if user.is_staff:
        _grant_admin_permissions(user)
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    membership.organisation = organisation
    membership.role = role
    membership.is_active = True
    membership.full_clean()
    membership.save()
    forget_actor(user)
    audit_log(
        actor=acting_user,
        instance=membership,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes={"user": username, "organisation": organisation.slug, "role": role},
    )
    return user, created


def _grant_admin_permissions(user) -> None:
    """IOM officers manage every model of the project's apps in the admin."""
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(
        content_type__app_label__in=["partners", "beneficiaries", "assistance", "reporting", "core"]
    )
    user.user_permissions.add(*perms)


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
