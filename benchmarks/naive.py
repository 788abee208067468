"""(c) The naive version: one ORM `count()` per indicator and per published cell.

What one writes without thinking about the database: for each indicator, a count for the
total, each of women/girls/men/boys/unknown and each age band. Persons are classified at
their first qualifying assistance through a per-beneficiary `Min()` (rows left on a merged
record are not followed: the benchmark data has no merges).
"""

from __future__ import annotations

from django.db.models import Case, DateField, F, Func, IntegerField, Min, Q, When

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from reporting.models import AGE_SCHEMES, Indicator, band_key


def _age(day, prefix):
    born = Case(
        When(**{f"{prefix}date_of_birth__isnull": False}, then=F(f"{prefix}date_of_birth")),
        When(
            **{f"{prefix}birth_year__isnull": False},
            then=Func(
                F(f"{prefix}birth_year"), 7, 1, function="make_date", output_field=DateField()
            ),
        ),
        output_field=DateField(),
    )
    return Func(
        day, born, template="date_part('year', age(%(expressions)s))::int",
        output_field=IntegerField(),
    )  # fmt: skip


def _cells(scheme):
    adult, minor = Q(age__gte=18), Q(age__lt=18)
    known = Q(age__isnull=False, age__gte=0)
    cells = {
        "total": Q(),
        "women": Q(sex="F") & adult,
        "girls": Q(sex="F") & minor & Q(age__gte=0),
        "men": Q(sex="M") & adult,
        "boys": Q(sex="M") & minor & Q(age__gte=0),
        "unknown": ~Q(sex__in=["F", "M"]) | Q(age__isnull=True) | Q(age__lt=0),
    }
    bands = {}
    for lo, hi in AGE_SCHEMES[scheme]:
        condition = known & Q(age__gte=lo)
        if hi is not None:
            condition &= Q(age__lte=hi)
        bands[band_key(lo, hi)] = condition
    bands["unknown"] = Q(age__isnull=True) | Q(age__lt=0)
    return cells, bands


def _filters(indicator, prefix=""):
    q = Q()
    if indicator.categories:
        q &= Q(**{f"{prefix}category__in": indicator.categories})
    if indicator.subtypes:
        q &= Q(**{f"{prefix}subtype__in": indicator.subtypes})
    if indicator.outcomes:
        q &= Q(**{f"{prefix}outcome__in": indicator.outcomes})
    return q


def bilan_naive(project, period) -> dict:
    out = {}
    for indicator in Indicator.objects.active().filter(source="assistances"):
        if indicator.unit == "services":
            rows = Assistance.objects.filter(
                _filters(indicator), project=project, status="delivered",
                delivered_on__range=(period.start, period.end),
            ).annotate(
                sex=F("beneficiary__sex"), age=_age(F("delivered_on"), "beneficiary__")
            )  # fmt: skip
        else:
            window = Q(
                assistances__project=project, assistances__status="delivered",
                assistances__delivered_on__range=(period.start, period.end),
            ) & _filters(indicator, "assistances__")  # fmt: skip
            rows = (
                Beneficiary.objects.filter(merged_into__isnull=True)
                .annotate(first=Min("assistances__delivered_on", filter=window))
                .filter(first__isnull=False)
                .annotate(age=_age(F("first"), ""))
            )
        cells, bands = _cells(indicator.age_scheme)
        entry = {name: rows.filter(q).count() for name, q in cells.items()}
        entry["by_age_band"] = {name: rows.filter(q).count() for name, q in bands.items()}
        out[indicator.code] = entry
    return out
