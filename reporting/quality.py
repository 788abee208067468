"""The data quality page's figures: per partner, in two queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Coalesce, ExtractYear, Upper
from django.utils import timezone

from assistance.choices import Status
from assistance.models import Assistance
from beneficiaries.choices import Sex
from beneficiaries.models import Beneficiary
from reporting.engine import Scope
from reporting.periods import Period

MISSING = ("no_birth", "estimated_birth", "no_sex", "no_nationality")


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def data_quality(scope: Scope, period: Period) -> list[dict]:
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
    """
    today = timezone.localdate()
    in_period = Q(delivered_on__range=(period.start, period.end))
    future = Q(delivered_on__gt=today, status=Status.DELIVERED)
    rows = Assistance.objects.exclude(status=Status.CANCELLED).filter(in_period | future)
    if scope.project_id:
        rows = rows.filter(project_id=scope.project_id)
    if scope.organisation_id:
        rows = rows.filter(provider_id=scope.organisation_id)
    if scope.city_id:
        rows = rows.filter(city_id=scope.city_id)
    if scope.population != "all":
        rows = rows.filter(beneficiary__is_migrant=scope.population == "migrant")

    def persons(condition=None):
        return Count("beneficiary", distinct=True, filter=in_period & (condition or Q()))

    figures = list(
        rows.values("provider_id", "provider__name")
        .annotate(
            persons=persons(),
            no_birth=persons(
                Q(beneficiary__date_of_birth__isnull=True, beneficiary__birth_year__isnull=True)
            ),
            estimated_birth=persons(
                Q(beneficiary__date_of_birth__isnull=True, beneficiary__birth_year__isnull=False)
            ),
            no_sex=persons(Q(beneficiary__sex=Sex.UNKNOWN)),
            no_nationality=persons(Q(beneficiary__nationality="")),
            assistances=Count("id", filter=in_period),
            no_project=Count("id", filter=in_period & Q(project__isnull=True)),
            before_registration=Count(
                "id", filter=in_period & Q(delivered_on__lt=F("beneficiary__registered_on"))
            ),
            future=Count("id", filter=future),
        )
        .order_by("provider__name")
    )
    duplicates = _possible_duplicates([row["provider_id"] for row in figures])
    for row in figures:
        for name in MISSING:
            row[f"{name}_pct"] = _share(row[name], row["persons"])
        row["no_project_pct"] = _share(row["no_project"], row["assistances"])
        row["duplicates"] = duplicates.get(row["provider_id"], 0)
        row["problems"] = (
            row["no_birth"] + row["no_sex"] + row["no_nationality"] + row["no_project"]
            + row["before_registration"] + row["future"] + row["duplicates"]
        )  # fmt: skip
    return sorted(figures, key=lambda row: -row["problems"])


def _possible_duplicates(organisation_ids: list[int]) -> dict[int, int]:
    """Per organisation, active records in a group of ≥ 2 with the same names and birth year."""
    groups = (
        Beneficiary.objects.active()
        .filter(organisation_id__in=organisation_ids)
        .exclude(last_name="", first_name="")
        .annotate(
            last=Upper("last_name"),
            first=Upper("first_name"),
            year=Coalesce(ExtractYear("date_of_birth"), "birth_year", output_field=IntegerField()),
        )
        .values("organisation_id", "last", "first", "year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("organisation_id", "n")
    )
    found: dict[int, int] = defaultdict(int)
    for organisation_id, n in groups:
        found[organisation_id] += n
    return found
