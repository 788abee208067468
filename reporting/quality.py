"""The data quality page: its figures per partner (in two queries), and the records behind
each figure, selected with the same conditions so that a list holds exactly what its count
says. Both read through `visible_to(user)`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q, QuerySet, Window
from django.db.models.functions import Coalesce, ExtractYear, Upper
from django.utils.translation import gettext_lazy as _

from assistance.choices import Status
from assistance.models import Assistance
from beneficiaries.choices import Sex
from beneficiaries.models import Beneficiary
from core import clock
from reporting.engine import Scope
from reporting.periods import Period

# People served in the period who lack something (counted once per person).
PERSON_CHECKS = {
    "no_birth": Q(beneficiary__date_of_birth__isnull=True, beneficiary__birth_year__isnull=True),
    "estimated_birth": Q(
        beneficiary__date_of_birth__isnull=True, beneficiary__birth_year__isnull=False
    ),
    "no_sex": Q(beneficiary__sex=Sex.UNKNOWN),
    "no_nationality": Q(beneficiary__nationality=""),
}
# Assistances of the period that look wrong (the future ones whatever the period).
ASSISTANCE_CHECKS = {
    "no_project": Q(project__isnull=True),
    "before_registration": Q(delivered_on__lt=F("beneficiary__registered_on")),
    "future": None,  # see _future()
}


@dataclass(frozen=True)
class Check:
    """One figure of the data quality page, as its column and its records page show it."""

    key: str
    label: str
    of_people: bool  # its records are people (else assistances)
    share: bool = False  # also shown as a share of the partner's people (or assistances)
    note: str = ""  # what its records page says instead of the period, when it ignores it


# In the order of the page's columns.
CHECKS = {
    check.key: check
    for check in (
        Check("no_birth", _("Sans date ni année de naissance"), of_people=True, share=True),
        Check("estimated_birth", _("Année de naissance seule"), of_people=True, share=True),
        Check("no_sex", _("Sexe inconnu"), of_people=True, share=True),
        Check("no_nationality", _("Sans nationalité"), of_people=True, share=True),
        Check("no_project", _("Sans projet"), of_people=False, share=True),
        Check("before_registration", _("Avant l'enregistrement"), of_people=False),
        Check(
            "future",
            _("Datées dans le futur"),
            of_people=False,
            note=_("Assistances fournies datées après aujourd'hui, quelle que soit la période."),
        ),
        Check(
            "duplicates",
            _("Doublons possibles"),
            of_people=True,
            note=_(
                "Fiches actives de même nom, prénom et année de naissance dans une même "
                "organisation, quelle que soit la période."
            ),
        ),
    )
}


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _in_period(period: Period) -> Q:
    return Q(delivered_on__range=(period.start, period.end))


def _future() -> Q:
    return Q(delivered_on__gt=clock.today(), status=Status.DELIVERED)


def _condition(check: str, period: Period) -> Q:
    if check == "future":
        return _future()
    found = PERSON_CHECKS.get(check, ASSISTANCE_CHECKS.get(check))
    return _in_period(period) & found


def _rows(user, scope: Scope, period: Period) -> QuerySet:
    """The non-cancelled assistances the page looks at: in the period, or dated in the
    future, within the scope."""
    rows = (
        Assistance.objects.visible_to(user)
        .exclude(status=Status.CANCELLED)
        .filter(_in_period(period) | _future())
    )
    if scope.project_id:
        rows = rows.filter(project_id=scope.project_id)
    if scope.project_ids is not None:
        rows = rows.filter(project_id__in=scope.project_ids)
    if scope.organisation_id:
        rows = rows.filter(provider_id=scope.organisation_id)
    if scope.city_id:
        rows = rows.filter(city_id=scope.city_id)
    if scope.population != "all":
        rows = rows.filter(beneficiary__is_migrant=scope.population == "migrant")
    return rows


def data_quality(user, scope: Scope, period: Period) -> list[dict]:
    """One dict per providing organisation with activity in the period (or dated in the
    future), worst data first:

    - `persons`: people it served in the period; `no_birth` / `estimated_birth` / `no_sex` /
      `no_nationality`: how many of them lack a date of birth (and a birth year) / have
      only a birth year / have an unknown sex / no nationality, with `<name>_pct` shares;
    - `assistances`: its non-cancelled rows in the period; `no_project` (+ `_pct`) without a
      project; `before_registration` dated before the person's registration; `future`:
      delivered rows dated after today (whatever the period);
    - `duplicates`: its active records sharing first name, last name and birth year with
      another of its records (possible duplicates, whatever the period).

    `quality_records` lists the records behind each of these figures.
    """
    in_period = _in_period(period)

    def persons(condition=None):
        return Count("beneficiary", distinct=True, filter=in_period & (condition or Q()))

    def assistances(check):
        return Count("id", filter=_condition(check, period))

    figures = list(
        _rows(user, scope, period)
        .values("provider_id", "provider__name", "provider__slug")
        .annotate(
            persons=persons(),
            **{name: persons(condition) for name, condition in PERSON_CHECKS.items()},
            assistances=Count("id", filter=in_period),
            **{name: assistances(name) for name in ASSISTANCE_CHECKS},
        )
        .order_by("provider__name")
    )
    duplicates = _possible_duplicates(user, [row["provider_id"] for row in figures])
    for row in figures:
        row["duplicates"] = duplicates.get(row["provider_id"], 0)
        for check in CHECKS.values():
            if check.share:
                whole = row["persons" if check.of_people else "assistances"]
                row[f"{check.key}_pct"] = _share(row[check.key], whole)
        row["problems"] = (
            row["no_birth"] + row["no_sex"] + row["no_nationality"] + row["no_project"]
            + row["before_registration"] + row["future"] + row["duplicates"]
        )  # fmt: skip
    return sorted(figures, key=lambda row: -row["problems"])


def quality_records(user, scope: Scope, period: Period, check: str) -> QuerySet:
    """The records behind one figure of `data_quality` (summed over the providers in scope):
    people for the person checks and the duplicates, assistances for the others."""
    if check not in CHECKS:
        raise ValueError(f"unknown data quality check: {check}")
    rows = _rows(user, scope, period)
    if check == "duplicates":
        providers = rows.order_by().values_list("provider_id", flat=True).distinct()
        return _duplicate_records(user, list(providers))
    selected = rows.filter(_condition(check, period))
    if CHECKS[check].of_people:
        return (
            Beneficiary.objects.visible_to(user)
            .filter(pk__in=selected.values("beneficiary_id"))
            .select_related("organisation", "city")
            .order_by("last_name", "first_name", "id")
        )
    return selected.select_related("beneficiary", "provider", "project", "city").order_by(
        "-delivered_on", "-id"
    )


def _duplicate_candidates(user, organisation_ids: list[int]) -> QuerySet:
    """Active named records of these organisations, keyed by names and birth year."""
    return (
        Beneficiary.objects.visible_to(user)
        .active()
        .filter(organisation_id__in=organisation_ids)
        .exclude(last_name="", first_name="")
        .annotate(
            last=Upper("last_name"),
            first=Upper("first_name"),
            year=Coalesce(ExtractYear("date_of_birth"), "birth_year", output_field=IntegerField()),
        )
    )


def _possible_duplicates(user, organisation_ids: list[int]) -> dict[int, int]:
    """Per organisation, active records in a group of ≥ 2 with the same names and birth year."""
    groups = (
        _duplicate_candidates(user, organisation_ids)
        .values("organisation_id", "last", "first", "year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("organisation_id", "n")
    )
    found: dict[int, int] = defaultdict(int)
    for organisation_id, n in groups:
        found[organisation_id] += n
    return found


def _duplicate_records(user, organisation_ids: list[int]) -> QuerySet:
    """The records `_possible_duplicates` counts, each group's members side by side."""
    group = [F("organisation_id"), F("last"), F("first"), F("year")]
    return (
        _duplicate_candidates(user, organisation_ids)
        .annotate(group_size=Window(Count("id"), partition_by=group))
        .filter(group_size__gt=1)
        .select_related("organisation", "city")
        .order_by("organisation__name", "last", "first", "year", "id")
    )
