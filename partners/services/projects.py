"""Writes of projects: create, change (a code never changes), the ops commands' upsert;
their partners and cities."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_log
from core.models import AuditEntry
from frameworks.models import Axis, FrameworkObjective
from partners.access import SYSTEM, require_acting_user
from partners.models import City, Organisation, Project
from partners.services.base import apply_fields, check_editable

PROJECT_EDITABLE = frozenset(
    {"code", "title", "donor", "start", "end", "budget", "currency", "small_cell_threshold"}
)
# What can change after creation: a code never does (project_update).
PROJECT_CHANGEABLE = PROJECT_EDITABLE - {"code"}


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


def _set_frameworks(
    project: Project,
    axes: Iterable[Axis] | None,
    objectives: Iterable[FrameworkObjective] | None,
) -> dict:
    """Replace the project's axes and framework objectives when given (DESIGN.md §9: the
    mission bilan reports by axis); return the audit diff, by code."""
    changes = {}
    if axes is not None:
        before = sorted(project.axes.values_list("code", flat=True))
        project.axes.set(axes)
        after = sorted(project.axes.values_list("code", flat=True))
        if before != after:
            changes["axes"] = [before, after]
    if objectives is not None:

        def tags():
            return sorted(
                f"{kind}:{code}" for kind, code in project.objectives.values_list("kind", "code")
            )

        before = tags()
        project.objectives.set(objectives)
        after = tags()
        if before != after:
            changes["objectives"] = [before, after]
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
    axes: Iterable[Axis] | None = None,
    objectives: Iterable[FrameworkObjective] | None = None,
    acting_user=SYSTEM,
    **fields,
) -> Project:
    """Create a project (title, donor, start and end at least), with its partners, cities,
    axes and framework objectives when given."""
    require_acting_user(acting_user)
    check_editable(fields, PROJECT_EDITABLE, "project_create")
    project = Project(code=code)
    changes = apply_fields(
        project, {name: value for name, value in fields.items() if value is not None}
    )
    changes.update(_set_places(project, partners, cities))
    changes.update(_set_frameworks(project, axes, objectives))
    audit_log(actor=acting_user, instance=project, action=AuditEntry.Action.CREATE, changes=changes)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    partners: Iterable[Organisation] | None = None,
    cities: Iterable[City] | None = None,
    axes: Iterable[Axis] | None = None,
    objectives: Iterable[FrameworkObjective] | None = None,
    acting_user=SYSTEM,
    **fields,
) -> Project:
    """Change a project; partners, cities, axes and framework objectives, when given, replace
    the current ones. Its code
    never changes: it names the project in commands, import files and published bilans."""
    require_acting_user(acting_user)
    check_editable(fields, PROJECT_EDITABLE, "project_update")
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
    changes = apply_fields(project, fields)
    changes.update(_set_places(project, partners, cities))
    changes.update(_set_frameworks(project, axes, objectives))
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
    acting_user=SYSTEM,
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
