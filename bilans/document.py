"""The bilan as a document: frozen figures and context turned into the sections the PDF and
the XLSX both lay out (so the two files always say the same thing).

Nothing here reads the database: a document is built from a snapshot's `figures` (the bilan
JSON of DESIGN.md §4, small cells already hidden) and its `context` (what the cover needs,
frozen at generation with the indicator labels in the snapshot's language).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.utils import translation

from bilans.texts import (
    age_band_label,
    hidden_count_stand_in,
    key_figure_label,
    long_date,
    median_days_label,
    texts_for,
)
from cases.choices import ClosureReason
from core.countries import country_name

SEX_CLASSES = ("women", "girls", "men", "boys", "unknown")
KEY_CODES = ("beneficiaries_reached", "assistances_delivered")
AVRR_CODES = ("avrr_returns", "returnees_to_morocco", "reintegration_persons")

FAMILIES = (
    "health", "humanitarian", "protection", "awareness", "avrr", "socioeconomic", "cases",
    "other",
)  # fmt: skip
FAMILY_OF_CODE = {
    "medical_persons": "health",
    "medical_services": "health",
    "psychosocial_persons": "health",
    "psychosocial_services": "health",
    "public_health_referrals_completed_persons": "health",
    "humanitarian_persons": "humanitarian",
    "humanitarian_services": "humanitarian",
    "emergency_housing_persons": "humanitarian",
    "legal_persons": "protection",
    "protection_persons": "protection",
    "awareness_persons": "awareness",
    "avrr_returns": "avrr",
    "returnees_to_morocco": "avrr",
    "reintegration_persons": "avrr",
    "employability_persons": "socioeconomic",
    "entrepreneurship_persons": "socioeconomic",
    "cases_opened_persons": "cases",
    "cases_closed_persons": "cases",
    "case_closure_median_days": "cases",
}
FAMILY_OF_CATEGORY = {
    "medical": "health",
    "psychosocial": "health",
    "food": "humanitarian",
    "non_food": "humanitarian",
    "emergency_housing": "humanitarian",
    "legal": "protection",
    "protection": "protection",
    "awareness": "awareness",
    "avrr": "avrr",
    "reintegration": "avrr",
    "employability": "socioeconomic",
    "entrepreneurship": "socioeconomic",
    "education": "socioeconomic",
}


def figures_checksum(figures: dict) -> str:
    """SHA-256 of the canonical JSON of the figures (sorted keys, no spaces)."""
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def family_of(code: str, categories: list[str], *, counts_cases: bool = False) -> str:
    if code in FAMILY_OF_CODE:
        return FAMILY_OF_CODE[code]
    if counts_cases:
        return "cases"
    families = {FAMILY_OF_CATEGORY.get(c, "other") for c in categories}
    return families.pop() if len(families) == 1 else "other"


def build_context(project, *, organisation, language: str, indicators, subtype_labels) -> dict:
    """What the document needs besides the figures, frozen at generation time."""
    city_name = "name_ar" if language == "ar" else "name"
    return {
        "project": {"code": project.code, "title": project.title},
        "donor": project.donor.name,
        "budget": str(project.budget) if project.budget is not None else None,
        "currency": project.currency,
        "project_start": project.start.isoformat(),
        "project_end": project.end.isoformat(),
        "partners": [p.name for p in project.partners.all()],
        "cities": [getattr(c, city_name) or c.name for c in project.cities.all()],
        "organisation": organisation.name if organisation is not None else None,
        "small_cell_threshold": project.small_cell_threshold,
        "indicators": indicator_meta(indicators, language),
        "subtypes": subtype_labels,
        "closure_reasons": closure_reason_labels(language),
    }


def indicator_meta(indicators, language: str) -> dict:
    """The catalogue as a document needs it, frozen: code → label in `language`, unit, family."""
    return {
        ind.code: {
            "label": ind.label(language),
            "unit": ind.unit,
            "family": family_of(ind.code, list(ind.categories), counts_cases=ind.counts_cases),
        }
        for ind in indicators
    }


def closure_reason_labels(language: str) -> dict[str, str]:
    """The closure reasons of cases (DESIGN.md §7) in `language`, frozen with the context."""
    with translation.override(language):
        return {code: str(label) for code, label in ClosureReason.choices}


@dataclass
class Row:
    label: str
    cells: list  # ints, or "<k"/"x" strings where small cells are hidden
    unit: str = ""
    code: str = ""


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[Row]
    note: str = ""
    first_header: str = ""


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    chart_rows: list[Row] = field(default_factory=list)  # indicator × sex classes
    extra_tables: list[Table] = field(default_factory=list)  # after the sex table


@dataclass
class Document:
    language: str
    texts: dict
    project: dict
    donor: str
    period_label: str
    start: datetime.date
    end: datetime.date
    budget: str | None
    partners: list[str]
    cities: list[str]
    organisation: str | None
    version: int | None
    checksum: str
    generated_on: str
    small_cell_threshold: int  # the k the figures were protected with (0: none)
    key_figures: list[dict]
    sections: list[Section]
    avrr: Section | None
    methodology: list[str]
    project_threshold: int = 0  # the project's k, for the figures donors receive
    # Capacity building (issue 15): events by kind, participants by institution × sex; None
    # when the period has no event (or the figures were frozen before it was counted).
    capacity: Section | None = None
    # The results framework: expected result → its targets' rows (`_targets`).
    targets: list[dict] = field(default_factory=list)

    @property
    def rtl(self) -> bool:
        return self.language == "ar"

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def small_cells_note(self) -> str:
        """What the methodology says of small counts, with the k actually applied: hidden
        from 1 to k−1, or none hidden (k of 0 or 1), or none in an internal, raw version."""
        t = self.texts
        k = self.small_cell_threshold
        if k >= 2:
            return t["small_cells_one" if k == 2 else "small_cells"] % {"k": k, "km1": k - 1}
        if self.project_threshold >= 2:
            return t["small_cells_raw"] % {"k": self.project_threshold}
        return t["small_cells_none"] % {"k": self.project_threshold}


def format_number(value, language: str) -> str:
    """Integers with a thousands separator (thin space in French and Arabic, comma in
    English); hidden cells (`<k`, `x`) as they are."""
    if not isinstance(value, int):
        return str(value)
    text = f"{value:,}"
    return text if language == "en" else text.replace(",", "\u202f")


def format_budget(amount: str | None, currency: str, language: str) -> str | None:
    if amount is None:
        return None
    whole = int(float(amount))
    return f"{format_number(whole, language)} {currency}"


def median_text(median, t: dict, language: str, k: int = 0) -> str:
    """ "médiane : 42 jours", or what stands for a median not published (`x`: fewer than k
    closures; None: no closure)."""
    if median is None:
        return t["median_none"]
    if not isinstance(median, int | float):
        return t["median_hidden"] % {"k": max(k, 2)}
    value = f"{median:g}"
    if language != "en":
        value = value.replace(".", ",")
    return median_days_label(median, value)


def _has_data(total) -> bool:
    """A published total is non-zero (a hidden small count `<k` is non-zero too)."""
    return total != 0


def sex_row(label: str, entry: dict, *, unit: str = "", code: str = "") -> Row:
    return Row(
        label=label,
        cells=[entry.get(name, 0) for name in SEX_CLASSES] + [entry.get("total", 0)],
        unit=unit,
        code=code,
    )


def _published(cells) -> int:
    """The sum of the cells a reader sees as numbers (hidden ones, `<k` and `x`, left out)."""
    return sum(value for value in cells if isinstance(value, int))


def _country_table(title: str, entry: dict, t: dict, language: str) -> Table:
    """Countries by sex, the biggest first by their published counts (a country whose total
    is hidden still sorts by the counts a reader sees, not at the bottom)."""
    rows = []
    for code, by_sex in (entry.get("by_country") or {}).items():
        values = [by_sex.get("F", 0), by_sex.get("M", 0), by_sex.get("unknown", 0)]
        total = sum(values) if all(isinstance(v, int) for v in values) else "x"
        rows.append(Row(label=country_name(code, language) or code, cells=[*values, total]))
    rows.sort(key=lambda row: (-_published(row.cells[:-1]), row.label))
    return Table(
        title=title,
        first_header=t["country"],
        headers=[t["female"], t["male"], t["unknown"], t["total"]],
        rows=rows,
    )


def age_table(title: str, entry: dict, t: dict) -> Table:
    bands = entry.get("by_age_band") or {}
    return Table(
        title=title,
        first_header=t["age_band"],
        headers=[t["total"]],
        rows=[Row(label=age_band_label(key), cells=[value]) for key, value in bands.items()],
    )


def indicator_row(code: str, entry: dict, meta: dict, t: dict, language: str, k: int = 0) -> Row:
    """An indicator's row by sex class, labelled from the frozen catalogue `meta`; a median
    of days says its median in the label (its cells count the closures it is taken over)."""
    label = meta.get(code, {}).get("label", code)
    if entry.get("unit") == "days":
        label = f"{label} — {median_text(entry.get('median'), t, language, k)}"
    return sex_row(label, entry, unit=t.get(entry.get("unit", ""), ""), code=code)


def avrr_section(indicators: dict, subtype_labels: dict, t: dict, language: str) -> Section | None:
    """The returns' tables (DESIGN.md §3): returns from Morocco by country × sex and by the
    `avrr` age scheme, returns to Morocco by host country × sex and age, reintegration by type
    of support; None when none of them counts anybody."""
    if not any(_has_data(indicators.get(code, {}).get("total", 0)) for code in AVRR_CODES):
        return None
    avrr = Section(key="avrr_tables", title=t["avrr_title"])
    if "avrr_returns" in indicators:
        entry = indicators["avrr_returns"]
        avrr.tables.append(_country_table(t["avrr_by_country"], entry, t, language))
        avrr.tables.append(age_table(t["avrr_by_age"], entry, t))
    if "returnees_to_morocco" in indicators:
        entry = indicators["returnees_to_morocco"]
        avrr.tables.append(_country_table(t["returnees_by_country"], entry, t, language))
        avrr.tables.append(age_table(t["returnees_by_age"], entry, t))
    if "reintegration_persons" in indicators:
        entry = indicators["reintegration_persons"]
        avrr.tables.append(
            Table(
                title=t["reintegration_by_subtype"],
                first_header=t["support_type"],
                headers=[t["persons"]],
                rows=[
                    Row(label=subtype_labels.get(key, key), cells=[value])
                    for key, value in (entry.get("by_subtype") or {}).items()
                ],
                note=t["reintegration_note"],
            )
        )
    return avrr


def build_document(*, figures: dict, context: dict, language: str, version, checksum: str,
                   generated_at: datetime.datetime | None) -> Document:  # fmt: skip
    """The document of a snapshot (or of fresh figures, for the command line), its words in
    `language` whatever the request's."""
    with translation.override(language):
        return _build_document(
            figures=figures,
            context=context,
            language=language,
            version=version,
            checksum=checksum,
            generated_at=generated_at,
        )


def _build_document(*, figures: dict, context: dict, language: str, version, checksum: str,
                    generated_at: datetime.datetime | None) -> Document:  # fmt: skip
    t = texts_for(language)
    start = datetime.date.fromisoformat(figures["start"])
    end = datetime.date.fromisoformat(figures["end"])
    indicators = figures["indicators"]
    meta = context["indicators"]
    sex_headers = [t[name] for name in SEX_CLASSES] + [t["total"]]
    k = int(figures.get("small_cell_threshold") or 0)

    key_figures = []
    for code in KEY_CODES:
        if code in indicators:
            entry = indicators[code]
            key_figures.append(
                {
                    "code": code,
                    "label": key_figure_label(code, hidden_count_stand_in(entry["total"], k)),
                    "total": entry["total"],
                    "row": sex_row(meta.get(code, {}).get("label", code), entry),
                    "bands": age_table(meta.get(code, {}).get("label", code), entry, t),
                }
            )

    sections: dict[str, Section] = {}
    for code, entry in indicators.items():
        if code in KEY_CODES:
            continue
        info = meta.get(code, {"label": code, "unit": entry.get("unit", ""), "family": "other"})
        family = info["family"] if info["family"] in FAMILIES else "other"
        section = sections.setdefault(family, Section(key=family, title=t[f"family_{family}"]))
        section.chart_rows.append(indicator_row(code, entry, meta, t, language, k))
        if entry.get("by_closure_reason"):
            labels = context.get("closure_reasons", {})
            section.extra_tables.append(
                Table(
                    title=t["closure_reasons_title"] % {"indicator": info["label"]},
                    first_header=t["closure_reason"],
                    headers=[t["persons"]],
                    rows=[
                        Row(label=labels.get(key, key), cells=[value])
                        for key, value in entry["by_closure_reason"].items()
                    ],
                    note=t["closure_reasons_note"],
                )
            )
    ordered = []
    for family in FAMILIES:
        if family in sections and any(
            _has_data(row.cells[-1]) for row in sections[family].chart_rows
        ):
            section = sections[family]
            section.tables.append(
                Table(
                    title=t["by_sex"],
                    first_header=t["indicator"],
                    headers=sex_headers,
                    rows=section.chart_rows,
                )
            )
            section.tables += section.extra_tables
            ordered.append(section)

    avrr = avrr_section(indicators, context.get("subtypes", {}), t, language)

    capacity = capacity_section(figures.get("capacity_building"), t)

    # How cases are counted, only in a bilan that has case indicators (snapshots frozen
    # before them keep their methodology).
    with_cases = any(meta.get(code, {}).get("family") == "cases" for code in indicators)
    methodology = [
        t[key]
        for key in (
            "method_source",
            "method_persons",
            "method_services",
            "method_age",
            "method_unknown",
            "method_bands",
            "method_countries",
            *(("method_cases", "method_cases_project") if with_cases else ()),
            *(("method_capacity",) if "capacity_building" in figures else ()),
            *(("method_targets",) if figures.get("targets") else ()),
            "method_freeze",
        )
    ]
    return Document(
        language=language,
        texts=t,
        project=context["project"],
        donor=context["donor"],
        period_label=f"{long_date(start)} – {long_date(end)}",
        start=start,
        end=end,
        budget=format_budget(context.get("budget"), context.get("currency", ""), language),
        partners=context.get("partners", []),
        cities=context.get("cities", []),
        organisation=context.get("organisation"),
        version=version,
        checksum=checksum,
        generated_on=long_date(generated_at.date()) if generated_at else "",
        small_cell_threshold=k,
        project_threshold=int(context.get("small_cell_threshold") or 0),
        key_figures=key_figures,
        sections=ordered,
        avrr=avrr,
        methodology=methodology,
        targets=_targets(figures, meta, t, language),
        capacity=capacity,
    )


CAPACITY_KINDS = ("training", "workshop", "coordination")
CAPACITY_INSTITUTIONS = ("government", "civil_society", "health_staff", "iom", "other")


def capacity_section(figures: dict | None, t: dict) -> Section | None:
    """Trainings, workshops and coordination meetings (`capacity_building` of the figures):
    events by kind, participants by institution × sex. Only when the period had an event."""
    if not figures or not figures.get("events"):
        return None
    participants = figures["participants"]
    by_institution = figures["by_institution"]
    sexes = ("F", "M", "unknown")
    return Section(
        key="capacity",
        title=t["capacity_title"],
        tables=[
            Table(
                title=t["capacity_by_kind"],
                first_header=t["capacity_kind"],
                headers=[t["capacity_events"]],
                rows=[
                    *(
                        Row(label=t[f"capacity_{kind}"], cells=[figures["by_kind"].get(kind, 0)])
                        for kind in CAPACITY_KINDS
                    ),
                    Row(label=t["total"], cells=[figures["events"]]),
                ],
            ),
            Table(
                title=t["capacity_by_institution"],
                first_header=t["capacity_institution"],
                headers=[t["capacity_women"], t["capacity_men"], t["unknown"], t["total"]],
                rows=[
                    *(
                        Row(
                            label=t[f"capacity_{code}"],
                            cells=[by_institution[code][sex] for sex in sexes]
                            + [by_institution[code]["total"]],
                        )
                        for code in CAPACITY_INSTITUTIONS
                        if code in by_institution
                    ),
                    Row(
                        label=t["total"],
                        cells=[participants[sex] for sex in sexes] + [participants["total"]],
                    ),
                ],
                note=t["capacity_note"],
            ),
        ],
    )


def _targets(figures: dict, meta: dict, t: dict, language: str) -> list[dict]:
    """The targets frozen with the figures (results.selectors.frozen_targets), grouped by
    expected result: each row with its cut, baseline, achieved / target, percent and the
    width of its bar (0–100; an achieved count hidden as "<k" has no percent)."""
    groups: dict[str, dict] = {}
    for entry in figures.get("targets") or []:
        statement = entry.get(f"result_{language}") or entry["result"]
        group = groups.setdefault(statement, {"result": statement, "rows": []})
        city = (entry.get("city_name_ar") if language == "ar" else None) or entry.get("city_name")
        cut = " · ".join(part for part in (entry.get("organisation"), city) if part)
        achieved, target = entry["achieved"], entry["target"]
        share = achieved * 100 // target if isinstance(achieved, int) and target else None
        by_sex = []
        for key, label in (("female", t["women_and_girls"]), ("male", t["men_and_boys"])):
            if entry.get(f"target_{key}") is not None:
                done = entry.get(f"achieved_{key}")
                by_sex.append(
                    f"{label} : {format_number(done, language)} / "
                    f"{format_number(entry[f'target_{key}'], language)}"
                )
        group["rows"].append(
            {
                "indicator": meta.get(entry["indicator"], {}).get("label", entry["indicator"]),
                "cut": cut or t["whole_project"],
                "baseline": format_number(entry["baseline"], language),
                "achieved": format_number(achieved, language),
                "target": format_number(target, language),
                "percent": f"{share} %" if share is not None else "—",
                "bar": min(share or 0, 100),
                "by_sex": by_sex,
                "cells": [entry["baseline"], achieved, target, share if share is not None else "—"],
            }
        )
    return list(groups.values())
