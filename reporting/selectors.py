"""Reads of the reporting app: who may see which bilan, cut how."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from assistance.models import Assistance
from beneficiaries.choices import ADULT_AGE
from partners.access import actor_for
from partners.choices import Role
from partners.models import Organisation, Project
from reporting.engine import age_sql, rows_in_scope_sql
from reporting.models import AGE_SCHEMES, Indicator, Unit, band_key
from reporting.periods import Period, is_calendar_quarter, is_calendar_year


@dataclass(frozen=True)
class BilanScope:
    """What a user may receive of one project's bilan.

    `organisation` is the provider the figures are cut to (None: all providers);
    `donor_facing` says that small-cell suppression applies (DESIGN.md §3 "Small cells").
    """

    project: Project
    organisation: Organisation | None
    donor_facing: bool


def bilan_scope_for(user, project: str, organisation: str | None = None) -> BilanScope:
    """The one rule of who gets which bilan (DESIGN.md §5), for the API, pages and exports.

    - IOM officer: any project, optionally cut to any organisation.
    - partner manager: only projects its organisation implements, always cut to its own
      organisation (naming another one is out of scope).
    - donor: only projects it funds, never cut to a provider (ValidationError, see
      `require_published_shape`); suppression applies.
    - caseworker, users without a role, anonymous: PermissionDenied.

    `project` is a project code, `organisation` an organisation slug. A project or an
    organisation out of scope raises Http404, exactly like one that does not exist.
    """
    actor = actor_for(user)
    if not (actor.sees_everything or actor.role == Role.PARTNER_MANAGER or actor.is_donor):
        raise PermissionDenied(_("Votre rôle ne donne pas accès aux bilans."))
    projects = Project.objects.select_related("donor")
    if actor.role == Role.PARTNER_MANAGER and not actor.sees_everything:
        if not actor.organisation_id:
            raise PermissionDenied(_("Votre rôle ne donne pas accès aux bilans."))
        projects = projects.filter(partners__id=actor.organisation_id)
    elif actor.is_donor and not actor.sees_everything:
        projects = projects.filter(donor_id=actor.organisation_id)
    found = projects.filter(code=project).first()
    if found is None:
        raise Http404(_("Projet introuvable."))
    donor_facing = actor.is_donor and not actor.sees_everything
    if donor_facing and organisation:
        raise _donor_refusal(found, cuts=["organisation"])

    chosen = None
    if organisation:
        chosen = Organisation.objects.filter(slug=organisation).first()
        if chosen is None:
            raise Http404(_("Organisation introuvable."))
    if actor.role == Role.PARTNER_MANAGER and not actor.sees_everything:
        if chosen is not None and chosen.pk != actor.organisation_id:
            raise Http404(_("Organisation introuvable."))
        chosen = chosen or Organisation.objects.get(pk=actor.organisation_id)
    return BilanScope(project=found, organisation=chosen, donor_facing=donor_facing)


# --- donor-facing figures: the published shapes only ---------------------------------------------
# Small-cell suppression (reporting.suppression) protects one output at a time: two outputs that
# overlap — one day against the next, a date range against a wider one, one partner or one city
# against the whole — can be subtracted to recover a hidden cell, and so a person. Donors
# therefore get the figures only in the shapes bilans are published in, for the whole project;
# any other range or cut is for IOM staff.


def whole_project(project: Project) -> Period:
    """The project's whole period, one of the published shapes."""
    return Period(project.start, project.end)


def is_published_shape(project: Project, period: Period) -> bool:
    """A calendar quarter or year that overlaps the project, or the project's whole period."""
    if period == whole_project(project):
        return True
    overlaps = period.start <= project.end and period.end >= project.start
    return overlaps and (is_calendar_quarter(period) or is_calendar_year(period))


def _shapes_text(project: Project) -> str:
    return _(
        "Les bailleurs reçoivent les chiffres de tout le projet pour un trimestre civil "
        "(ex. 2025-Q1), une année civile (ex. 2025) ou toute la durée du projet "
        "(« project » : du %(start)s au %(end)s)."
    ) % {"start": project.start.isoformat(), "end": project.end.isoformat()}


def _donor_refusal(project: Project, *, cuts=(), period: Period | None = None) -> ValidationError:
    errors = {}
    for name in sorted(set(cuts)):
        errors[name] = _(
            "« %(name)s » est réservé au personnel de l'OIM : pas de découpage par "
            "partenaire, ville, population ni autre critère pour les bailleurs. %(shapes)s"
        ) % {"name": name, "shapes": _shapes_text(project)}
    if period is not None:
        errors["period"] = _("La période du %(start)s au %(end)s n'est pas publiée. %(shapes)s") % {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "shapes": _shapes_text(project),
        }
    return ValidationError(errors)


def require_published_shape(scope: BilanScope, period: Period, *, cuts=()) -> None:
    """For donor-facing figures, refuse (ValidationError, a message per parameter saying what
    may be asked) any cut — `cuts` names the parameters that would cut or alter the figures —
    and any period that is not a published shape (`is_published_shape`). IOM staff and
    partner managers are not concerned: their figures are not donor-facing."""
    if not scope.donor_facing:
        return
    refused_period = None if is_published_shape(scope.project, period) else period
    if cuts or refused_period is not None:
        raise _donor_refusal(scope.project, cuts=cuts, period=refused_period)


# --- drill-down: the records behind a figure ------------------------------------------------------


def _cell_condition(cell: str | None, sex: str, age: str) -> str:
    adult = f"{age} >= {ADULT_AGE}"
    minor = f"{age} < {ADULT_AGE}"
    return {
        None: "TRUE",
        "": "TRUE",
        "total": "TRUE",
        "women": f"{sex} = 'F' AND {adult}",
        "girls": f"{sex} = 'F' AND {minor}",
        "men": f"{sex} = 'M' AND {adult}",
        "boys": f"{sex} = 'M' AND {minor}",
        "unknown": f"({sex} NOT IN ('F', 'M') OR {age} IS NULL)",
    }[cell]


def _band_condition(band: str | None, scheme: str, age: str, params: list) -> str:
    if not band:
        return "TRUE"
    if band == "unknown":
        return f"{age} IS NULL"
    for lo, hi in AGE_SCHEMES[scheme]:
        if band_key(lo, hi) == band:
            params.append(lo)
            if hi is None:
                return f"{age} >= %s"
            params.append(hi)
            return f"{age} BETWEEN %s AND %s"
    raise Http404(_("Tranche d'âge inconnue."))


def _sex_condition(sex: str | None, column: str) -> str:
    if not sex:
        return "TRUE"
    if sex == "unknown":
        return f"{column} NOT IN ('F', 'M')"
    return f"{column} = '{'F' if sex == 'F' else 'M'}'"


def assistances_behind(
    user,
    scope,
    period,
    indicator: Indicator,
    *,
    cell: str | None = None,
    band: str | None = None,
    country: str | None = None,
    sex: str | None = None,
    subtype: str | None = None,
):
    """The assistances behind one published figure, as a queryset scoped to `user`.

    For a `services` figure: the qualifying rows classified in that cell. For a `persons`
    figure: every qualifying row (in the period) of the people counted in that cell, a person
    being classified at their first qualifying row as the engine does; with `subtype`, the
    rows of that subtype. One query when evaluated (the selection is a subquery).

    A partner's drill-down is cut to the rows its organisation delivered (as its bilan is):
    a person is classified by their first qualifying row, and that row must be one the partner
    may see, or the cell it is listed under would tell the date, age or country of another
    organisation's assistance.
    """
    actor = actor_for(user)
    if not actor.sees_everything:
        scope = replace(scope, organisation_id=actor.organisation_id)

    params: list = []  # of the conditions; the row parameters come first in the statement
    rows, row_params = rows_in_scope_sql(indicator, scope, period)
    conditions: list[str] = []
    if indicator.unit == Unit.SERVICES or subtype:
        age = age_sql("r.dk", "r.born")
        conditions += [
            "r.qualifies",
            _cell_condition(cell, "r.sex", age),
            _band_condition(band, indicator.age_scheme, age, params),
            _sex_condition(sex, "r.sex"),
        ]
        if country:
            conditions.append("r.country = %s")
            params.append(country)
        if subtype:
            conditions.append("r.subtype = %s")
            params.append(subtype)
        sql = f"SELECT r.aid FROM ({rows}) r WHERE {' AND '.join(conditions)}"  # noqa: S608
        params = row_params + params
    else:
        age = age_sql("f.first", "f.born")
        conditions += [
            "r.qualifies",
            _cell_condition(cell, "f.sex", age),
            _band_condition(band, indicator.age_scheme, age, params),
            _sex_condition(sex, "f.sex"),
        ]
        if country:
            conditions.append("f.country = %s")
            params.append(country)
        sql = (
            f"SELECT r.aid FROM ({rows}) r JOIN (SELECT person, min(sex) AS sex, "  # noqa: S608
            "min(born) AS born, min(dk) FILTER (WHERE qualifies) AS first, "
            "(min(ARRAY[dk::text, lpad(aid::text, 19, '0'), country]) "
            f"FILTER (WHERE qualifies))[3] AS country FROM ({rows}) r0 GROUP BY person) f "
            f"ON f.person = r.person WHERE {' AND '.join(conditions)}"
        )
        params = row_params + row_params + params
    return (
        Assistance.objects.visible_to(user)
        # Built from fixed fragments; every value is a parameter (bandit B611).
        .filter(pk__in=RawSQL(sql, params))  # noqa: S611 # nosec B611
        .select_related("beneficiary", "provider", "project", "city")
        .order_by("-delivered_on", "-id")
    )
