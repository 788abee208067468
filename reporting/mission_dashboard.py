"""What the mission dashboard shows (DESIGN.md §9, "where the mission's figures come from at a
glance"): the persons reached by the whole mission over a year, by city, by region, by
thematic axis and by donor, as figures and SVG charts. IOM officers only (the view checks).

Every figure comes from the engine's rules (`reporting.engine`, DESIGN.md §3):

- the persons reached, the cities and the axes are the mission bilan's
  (`reporting.engine.mission_bilan`): every assistance of every project and of none, a
  person counted once across projects and partners;
- by city: each person at the city of their first assistance of the period, so the cities
  add up to the persons reached; by region: the region of that city, so the regions add up
  too (a person assisted in two regions counts in the first one only);
- by axis: a person counts in every axis they were assisted under, so the axes may add up to
  more than the persons reached;
- by donor: one engine pass per donor over its projects (`Scope.project_ids`), a person
  counted once per donor, in every donor whose projects assisted them; assistances outside
  any project count for the mission, for no donor. The loop is bounded by `MAX_DONORS`.

Queries: the catalogue (1), the mission bilan (the axes, the engine's statement, the case
indicators', the cities' codes), the cities (1), the axes' labels (2), the donors' projects
(1), one per donor (≤ MAX_DONORS).
"""

from __future__ import annotations

import datetime

from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from frameworks.models import Axis
from partners.models import City, Project
from reporting import charts
from reporting.engine import SEX_CLASSES, Scope, compute, mission_bilan
from reporting.mission import UNKNOWN_CITY
from reporting.models import Indicator
from reporting.periods import Period

PERSONS_REACHED = "beneficiaries_reached"
MAX_DONORS = 40
SEX_TOTALS = ("F", "M", "unknown")


def year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _local_name(obj) -> str:
    """A city's or region's name in Arabic on an Arabic page (when recorded)."""
    if (get_language() or "fr")[:2] == "ar" and getattr(obj, "name_ar", ""):
        return obj.name_ar
    return obj.name


def _cells(entry: dict) -> dict:
    """The sex and age cells of a persons entry (bilan JSON)."""
    return {name: entry.get(name, 0) for name in ("total", *SEX_CLASSES)}


def _sex_total(cell: dict) -> int:
    return sum(cell.get(key, 0) for key in SEX_TOTALS)


def _places(by_city: dict) -> tuple[list[dict], list[dict]]:
    """Rows by city and by region (most persons first), each {"name", "F", "M", "unknown",
    "total"}, from the bilan's persons by city of first assistance."""
    cities = {
        c.code: c
        for c in City.objects.filter(
            code__in=[k for k in by_city if k != UNKNOWN_CITY]
        ).select_related("region")
    }
    city_rows, regions = [], {}
    for code, cell in by_city.items():
        place = cities.get(code)
        name = _local_name(place) if place else _("(sans ville)")
        city_rows.append({"code": code, "name": name, **cell, "total": _sex_total(cell)})
        region = place.region if place else None
        key = region.code if region else UNKNOWN_CITY
        row = regions.setdefault(
            key,
            {
                "code": key,
                "name": _local_name(region) if region else _("(sans région)"),
                "F": 0,
                "M": 0,
                "unknown": 0,
                "cities": 0,
            },
        )
        for sex in SEX_TOTALS:
            row[sex] += cell.get(sex, 0)
        row["cities"] += 1 if place else 0
    region_rows = [{**row, "total": _sex_total(row)} for row in regions.values()]

    def most_first(row):
        return (row["code"] == UNKNOWN_CITY, -row["total"], row["name"])

    return sorted(city_rows, key=most_first), sorted(region_rows, key=most_first)


def _axes(by_axis: dict) -> list[dict]:
    """One row per active axis, in the code list's order, with its sub-themes."""
    axes = {
        axis.code: axis
        for axis in Axis.objects.filter(code__in=list(by_axis)).prefetch_related("sub_themes")
    }
    themes = {theme.code: theme for axis in axes.values() for theme in axis.sub_themes.all()}
    rows = []
    for code, data in by_axis.items():
        axis = axes.get(code)
        rows.append(
            {
                "code": code,
                "name": axis.label() if axis else code,
                **_cells(data["persons"]),
                "sub_themes": [
                    {
                        "code": theme,
                        "name": themes[theme].label() if theme in themes else theme,
                        **_cells(entry["persons"]),
                    }
                    for theme, entry in data["sub_themes"].items()
                ],
            }
        )
    return rows


def _donors(user, period: Period, reached: Indicator) -> tuple[list[dict], bool]:
    """Persons reached per donor (its projects running during `period`), most first; and
    whether donors were left out (more than MAX_DONORS)."""
    projects = (
        Project.objects.visible_to(user)
        .filter(start__lte=period.end, end__gte=period.start)
        .select_related("donor")
        .order_by("donor__name", "code")
    )
    by_donor: dict[int, dict] = {}
    for project in projects:
        donor = by_donor.setdefault(
            project.donor_id, {"name": project.donor.name, "projects": [], "ids": []}
        )
        donor["projects"].append(project.code)
        donor["ids"].append(project.pk)
    chosen = list(by_donor.values())[:MAX_DONORS]
    rows = []
    for donor in chosen:
        # One pass over the donor's projects: a person counts once for the donor.
        result = compute(Scope(project_ids=tuple(donor["ids"])), period, [reached])[reached.code]
        rows.append(
            {
                "name": donor["name"],
                "projects": donor["projects"],
                **{name: getattr(result, name) for name in ("total", *SEX_CLASSES)},
            }
        )
    rows.sort(key=lambda row: (-row["total"], row["name"]))
    return rows, len(by_donor) > MAX_DONORS


def mission_dashboard_data(user, period: Period) -> dict:
    """The figures and charts of the mission dashboard over `period` (a year)."""
    indicators = list(Indicator.objects.active())
    bilan = mission_bilan(period, indicators=indicators)
    reached_entry = bilan["indicators"].get(PERSONS_REACHED)
    reached = next((i for i in indicators if i.code == PERSONS_REACHED), None)
    persons = _cells(reached_entry) if reached_entry else None
    city_rows, region_rows = _places(bilan["by_city"])
    axis_rows = _axes(bilan["by_axis"])
    donor_rows, donors_cut = _donors(user, period, reached) if reached else ([], False)

    women_and_girls = None
    if persons and persons["total"]:
        women_and_girls = round(100 * (persons["women"] + persons["girls"]) / persons["total"])
    rtl = get_language_bidi()

    def sexes(rows):
        return [(row["name"], {key: row[key] for key in SEX_TOTALS}) for row in rows]

    def classes(rows):
        return [(row["name"], {key: row[key] for key in SEX_CLASSES}) for row in rows]

    built = {
        "by_city": charts.bar_chart(
            sexes(city_rows),
            charts.SEX_BY_COUNTRY_SERIES,
            title=_("Personnes atteintes par ville (ville de la première assistance)"),
            rtl=rtl,
        ),
        "by_region": charts.bar_chart(
            sexes(region_rows),
            charts.SEX_BY_COUNTRY_SERIES,
            title=_("Personnes atteintes par région (région de la première assistance)"),
            rtl=rtl,
        ),
        "by_axis": charts.bar_chart(
            classes(axis_rows),
            title=_("Personnes atteintes par axe d'intervention"),
            label_width=240,
            rtl=rtl,
        ),
        "by_donor": charts.bar_chart(
            classes(donor_rows),
            title=_("Personnes atteintes par bailleur"),
            label_width=240,
            rtl=rtl,
        ),
    }
    return {
        "persons": persons,
        "women_and_girls": women_and_girls,
        "cities_reached": sum(1 for row in city_rows if row["code"] != UNKNOWN_CITY),
        "cities": city_rows,
        "regions": region_rows,
        "axes": axis_rows,
        "donors": donor_rows,
        "donors_cut": donors_cut,
        "max_donors": MAX_DONORS,
        "charts": built,
    }
