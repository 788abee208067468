"""What the IOM dashboard shows, computed in a fixed number of queries (about ten).

`dashboard_data(scope, period, query)` returns the indicator table (with drill-down links)
and the SVG charts; the view only renders it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _

from cases.choices import ClosureReason
from core import clock
from core.countries import country_name
from partners.models import City, Organisation
from reporting import charts
from reporting.engine import SEX_CLASSES, Scope, compute
from reporting.models import Indicator, Unit
from reporting.periods import Period

PERSONS_REACHED = "beneficiaries_reached"
SERVICES_DELIVERED = "assistances_delivered"
AVRR_RETURNS = "avrr_returns"


def drilldown_url(query: dict, code: str, **figure) -> str:
    params = {**query, "indicator": code, **{k: v for k, v in figure.items() if v}}
    return f"{reverse('reporting:drilldown')}?{urlencode(params)}"


def cell_label(name: str) -> str:
    """The column heading of a cell, for the small-screen table layout."""
    labels = {"total": _("Total"), "women": _("Femmes"), "girls": _("Filles"), "men": _("Hommes"),
              "boys": _("Garçons"), "unknown": _("Inconnu")}  # fmt: skip
    return labels.get(name, name)


def _median_text(result) -> str:
    """ "Médiane : 42 jours" (a median of halves keeps its decimal: "42,5 jours")."""
    if result.median is None:
        return _("Médiane : aucune clôture sur la période")
    return ngettext("Médiane : %(days)s jour", "Médiane : %(days)s jours", int(result.median)) % {
        "days": floatformat(result.median, -1)
    }


def indicator_rows(results: dict, query: dict) -> list[dict]:
    """One row per indicator: label, unit, the six cells with their drill-down links.

    The drill-down lists assistances: a case indicator's cells link nowhere (url None). A
    `days` indicator's row also carries its median (None without closures) and the number
    of closures it is taken over, which its cells split by sex and age."""
    rows = []
    for code, result in results.items():
        linked = not result.indicator.counts_cases
        cells = [
            {
                "name": name,
                "label": cell_label(name),
                "value": getattr(result, name),
                "url": drilldown_url(query, code, cell=name) if linked else None,
            }
            for name in ("total", *SEX_CLASSES)
        ]
        rows.append(
            {
                "code": code,
                "label": result.indicator.label(),
                "unit": result.indicator.get_unit_display(),
                "median_text": _median_text(result) if result.unit == Unit.DAYS else "",
                "cells": cells,
                "bands": [
                    {
                        "band": band,
                        "label": _("Âge inconnu") if band == "unknown" else band,
                        "value": value,
                        "url": drilldown_url(query, code, band=band) if linked else None,
                    }
                    for band, value in result.by_age_band.items()
                ],
                "reasons": [
                    {"reason": reason, "label": ClosureReason(reason).label, "value": value}
                    for reason, value in (result.by_closure_reason or {}).items()
                    if reason in ClosureReason.values
                ],
            }
        )
    return rows


def _grouped_rows(grouped: dict, code: str, names: dict) -> list[tuple[str, dict]]:
    rows = []
    for key, results in grouped.items():
        result = results.get(code)
        if result is None or not result.total:
            continue
        rows.append(
            (names.get(key, _("(sans ville)")), {c: getattr(result, c) for c in SEX_CLASSES})
        )
    return sorted(rows, key=lambda row: -sum(row[1].values()))


def dashboard_data(scope: Scope, period: Period, query: dict) -> dict:
    """The figures and charts of the dashboard for `scope` over `period`.

    `query` holds the filter parameters (as strings) that drill-down links carry over.
    Queries: 1 (catalogue) + 1 (assistance indicators) + 1 (case indicators) + 1 (assistances
    by partner, city and month) + 2 (partner and city names) = 6.
    """
    indicators = list(Indicator.objects.active())
    results = compute(scope, period, indicators)
    # The breakdowns count services: one pass over the rows for all three of them (persons
    # would need a first-assistance pass per dimension, several times the cost).
    headline = [i for i in indicators if i.code == SERVICES_DELIVERED]
    grouped = compute(scope, period, headline, group_by=("provider", "city", "month"))
    by_provider, by_city, by_month = grouped["provider"], grouped["city"], grouped["month"]
    partner_names = dict(
        Organisation.objects.filter(pk__in=list(by_provider)).values_list("pk", "name")
    )
    city_names = dict(
        City.objects.filter(pk__in=[k for k in by_city if k]).values_list("pk", "name")
    )

    rtl = get_language_bidi()
    built = {}
    built["by_indicator"] = charts.bar_chart(
        [
            (r.indicator.label(), {c: getattr(r, c) for c in SEX_CLASSES})
            for r in results.values()
            if r.unit != Unit.DAYS  # a duration is not a count of people
        ],
        title=_("Femmes, filles, hommes et garçons par indicateur"),
        label_width=260,
        rtl=rtl,
    )
    # The trend stops at the current month: months to come are not zeros.
    months = period.months(until=clock.today())
    points = []
    for month in months:
        figures = by_month.get(month, {})
        points.append(
            (
                date_format(month, "N Y"),
                {SERVICES_DELIVERED: figures[SERVICES_DELIVERED].total if figures else 0},
            )
        )
    built["trend"] = charts.line_chart(
        points,
        [(SERVICES_DELIVERED, _("Assistances délivrées"), "#0072B2")],
        title=_("Assistances délivrées par mois"),
        rtl=rtl,
    )
    reached = results.get(PERSONS_REACHED)
    if reached is not None:
        built["pyramid"] = charts.age_pyramid(
            [
                (band, s["F"], s["M"])
                for band, s in reached.by_sex_age_band.items()
                if band != "unknown"
            ],
            title=_("Pyramide des âges des personnes atteintes"),
            rtl=rtl,
        )
    built["by_partner"] = charts.bar_chart(
        _grouped_rows(by_provider, SERVICES_DELIVERED, partner_names),
        title=_("Assistances délivrées par partenaire"),
        rtl=rtl,
    )
    built["by_city"] = charts.bar_chart(
        _grouped_rows(by_city, SERVICES_DELIVERED, city_names),
        title=_("Assistances délivrées par ville"),
        rtl=rtl,
    )
    returns = results.get(AVRR_RETURNS)
    if returns is not None and returns.by_country:
        built["avrr_by_country"] = charts.bar_chart(
            sorted(
                ((country_name(code), by_sex) for code, by_sex in returns.by_country.items()),
                key=lambda item: -sum(item[1].values()),
            ),
            charts.SEX_BY_COUNTRY_SERIES,
            title=_("Retours volontaires assistés par pays"),
            rtl=rtl,
        )
    return {"results": results, "rows": indicator_rows(results, query), "charts": built}
