"""The mission's bilan (DESIGN.md §9) as a document, after IOM Morocco's annual bilan 2022:
cover, key figures, persons by city, one chapter per thematic axis (its persons by sex, then
each sub-theme's indicators), the returns' tables, capacity building, the donors and partners
of the period, the methodology.

`mission_context` reads the database once, at generation: the labels of the catalogue, the
axes and the cities in the bilan's language, and the projects active in the period with
their donor and partners; they are frozen in the snapshot with the figures
(`reporting.mission.mission_bilan`). `build_mission_document` reads nothing: like the project
bilan's `build_document`, it lays out frozen figures and context, with the same building
blocks (bilans.document's Row, Table, Section, the returns' tables, numbers per language), for
the PDF and the XLSX alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import translation

from assistance.choices import SUBTYPE_LABELS
from bilans.document import (
    KEY_CODES,
    SEX_CLASSES,
    Row,
    Section,
    Table,
    age_table,
    avrr_section,
    capacity_section,
    format_number,
    indicator_meta,
    indicator_row,
    sex_row,
)
from bilans.texts import key_figure_label, long_date, mission_tile_label, texts_for
from frameworks.models import Axis, SubTheme
from partners.models import City, Organisation, Project
from reporting.mission import UNKNOWN_CITY
from reporting.models import Indicator
from reporting.periods import Period

# The projects listed as the period's (a mission runs a few dozen a year): a bound, not a cut.
MAX_PROJECTS = 500


# --- Frozen at generation ---------------------------------------------------------------------


def mission_context(period: Period, figures: dict, *, language: str) -> dict:
    """What the mission document needs besides the figures, in `language`, frozen."""
    arabic = language == "ar"
    with translation.override(language):
        subtypes = {code: str(label) for code, label in SUBTYPE_LABELS.items()}
    themes = SubTheme.objects.filter(is_active=True).order_by("ordering", "code")
    axes = Axis.objects.filter(is_active=True).prefetch_related(
        Prefetch("sub_themes", queryset=themes)
    )
    city_codes = [code for code in figures.get("by_city", {}) if code != UNKNOWN_CITY]
    cities = {
        city.code: (city.name_ar or city.name) if arabic else city.name
        for city in City.objects.filter(code__in=city_codes)
    }
    projects = (
        Project.objects.filter(start__lte=period.end, end__gte=period.start)
        .select_related("donor")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            Prefetch("axes", queryset=Axis.objects.order_by("ordering", "code")),
        )
        .order_by("code")[:MAX_PROJECTS]
    )
    listed = [
        {
            "code": project.code,
            "title": project.title,
            "donor": project.donor.name,
            "partners": [partner.name for partner in project.partners.all()],
            "axes": [axis.label(language) for axis in project.axes.all()],
            "start": project.start.isoformat(),
            "end": project.end.isoformat(),
        }
        for project in projects
    ]
    return {
        "scope": "mission",
        "indicators": indicator_meta(list(Indicator.objects.active()), language),
        "subtypes": subtypes,
        "axes": [
            {
                "code": axis.code,
                "label": axis.label(language),
                "sub_themes": [
                    {"code": theme.code, "label": theme.label(language)}
                    for theme in axis.sub_themes.all()
                ],
            }
            for axis in axes
        ],
        "cities": cities,
        "projects": listed,
        "partners": sorted({name for p in listed for name in p["partners"]}),
        "donors": sorted({p["donor"] for p in listed}),
    }


# --- The document ------------------------------------------------------------------------------


@dataclass
class Chapter:
    """One thematic axis: its persons by sex, then each sub-theme with its indicators."""

    code: str
    title: str
    persons: Row
    sub_themes: list[Section] = field(default_factory=list)
    without_indicators: list[str] = field(default_factory=list)
    note: str = ""  # which sub-themes have no indicator in the catalogue
    number: str = ""

    @property
    def rows(self) -> list[Row]:
        return [self.persons]


@dataclass
class MissionDocument:
    language: str
    texts: dict
    period_label: str
    start: datetime.date
    end: datetime.date
    version: int | None
    checksum: str
    generated_on: str
    tiles: list[dict]  # {"value": text, "label": words}
    key_rows: list[Row]  # persons reached and services delivered, by sex class
    key_bands: Table  # persons reached by age band
    indicators: Table  # every indicator by sex class (the XLSX sheet)
    cities: Table  # persons by city: F, M, unknown, total
    chapters: list[Chapter]
    others: Section | None  # indicators of no axis (case follow-up, …)
    avrr: Section | None
    capacity: list[Table]
    projects: list[dict]
    donors: list[str]
    partners: list[str]
    methodology: list[str]
    small_cells_note: str
    is_mission: bool = True

    @property
    def rtl(self) -> bool:
        return self.language == "ar"

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def sex_headers(self) -> list[str]:
        return [self.texts[name] for name in SEX_CLASSES] + [self.texts["total"]]


def format_percent(value: int, language: str) -> str:
    """`55 %` in French (narrow no-break space), `55%` in English and Arabic."""
    return f"{value}\u202f%" if language == "fr" else f"{value}%"


def women_share(entry: dict) -> int:
    """Women and girls among the persons, in whole percent (0 when nobody)."""
    total = entry.get("total", 0)
    if not isinstance(total, int) or total <= 0:
        return 0
    return round(100 * (entry.get("women", 0) + entry.get("girls", 0)) / total)


def build_mission_document(*, figures: dict, context: dict, language: str, version,
                           checksum: str, generated_at) -> MissionDocument:  # fmt: skip
    """The mission's document of frozen figures and context, in `language` whatever the
    request's."""
    with translation.override(language):
        return _build(figures, context, language, version, checksum, generated_at)


def _build(figures, context, language, version, checksum, generated_at) -> MissionDocument:
    t = texts_for(language)
    start = datetime.date.fromisoformat(figures["start"])
    end = datetime.date.fromisoformat(figures["end"])
    indicators = figures.get("indicators", {})
    meta = context.get("indicators", {})
    sex_headers = [t[name] for name in SEX_CLASSES] + [t["total"]]

    def row(code: str) -> Row:
        return indicator_row(code, indicators[code], meta, t, language)

    persons = indicators.get("beneficiaries_reached", {"total": 0})
    services = indicators.get("assistances_delivered", {"total": 0})
    cities = _city_table(figures.get("by_city", {}), context.get("cities", {}), t)
    reached = sum(1 for r in cities.rows if r.code != UNKNOWN_CITY and r.cells[-1])
    projects = context.get("projects", [])
    partners = context.get("partners", [])
    tiles = [
        {"value": persons["total"], "label": key_figure_label(KEY_CODES[0], persons["total"])},
        {"value": format_percent(women_share(persons), language), "label": t["women_share"]},
        {"value": reached, "label": mission_tile_label("cities", reached)},
        {"value": len(partners), "label": mission_tile_label("partners", len(partners))},
        {"value": len(projects), "label": mission_tile_label("projects", len(projects))},
        {"value": services["total"], "label": key_figure_label(KEY_CODES[1], services["total"])},
    ]
    for tile in tiles:
        tile["text"] = format_number(tile["value"], language)

    chapters, placed = _chapters(figures.get("by_axis", {}), context, t, language, meta)
    # Indicators of no axis (case follow-up…), when they count anybody.
    others = Section(key="others", title=t["other_indicators"])
    others.chart_rows = [row(c) for c in indicators if c not in placed and c not in KEY_CODES]
    if not any(r.cells[-1] for r in others.chart_rows):
        others.chart_rows = []
    if others.chart_rows:
        others.tables.append(
            Table(t["by_sex"], sex_headers, others.chart_rows, first_header=t["indicator"])
        )

    methodology = [
        t[key]
        for key in (
            "method_mission_scope",
            "method_mission_once",
            "method_source",
            "method_persons",
            "method_services",
            "method_mission_first",
            "method_age",
            "method_unknown",
            "method_bands",
            "method_countries",
            "method_mission_axes",
            "method_mission_projects",
            *(
                ("method_cases",)
                if any(meta.get(c, {}).get("family") == "cases" for c in indicators)
                else ()
            ),  # fmt: skip
            "method_freeze",
        )
    ]
    return MissionDocument(
        language=language,
        texts=t,
        period_label=f"{long_date(start)} – {long_date(end)}",
        start=start,
        end=end,
        version=version,
        checksum=checksum,
        generated_on=long_date(generated_at.date()) if generated_at else "",
        tiles=tiles,
        key_rows=[row(code) for code in KEY_CODES if code in indicators],
        key_bands=age_table(t["by_age_band"], persons, t),
        indicators=Table(
            t["by_sex"],
            sex_headers,
            [row(code) for code in indicators],
            first_header=t["indicator"],
        ),
        cities=cities,
        chapters=chapters,
        others=others if others.chart_rows else None,
        avrr=avrr_section(indicators, context.get("subtypes", {}), t, language),
        capacity=_capacity_tables(figures.get("capacity_building"), t),
        projects=projects,
        donors=context.get("donors", []),
        partners=partners,
        methodology=methodology,
        small_cells_note=t["mission_small_cells"],
    )


def _city_table(by_city: dict, names: dict, t: dict) -> Table:
    """Persons by city (F, M, unknown, total), the biggest first, the unknown city last."""
    rows = []
    for code, by_sex in by_city.items():
        cells = [by_sex.get("F", 0), by_sex.get("M", 0), by_sex.get("unknown", 0)]
        label = t["city_unknown"] if code == UNKNOWN_CITY else names.get(code, code)
        rows.append(Row(label=label, cells=[*cells, sum(cells)], code=code))
    rows.sort(key=lambda r: (r.code == UNKNOWN_CITY, -r.cells[-1], r.label))
    return Table(
        title=t["by_city_title"],
        first_header=t["city"],
        headers=[t["female"], t["male"], t["unknown"], t["total"]],
        rows=rows,
        note=t["by_city_note"],
    )


def _chapters(by_axis: dict, context: dict, t: dict, language: str, meta: dict):
    """One chapter per axis of the frozen code list (in its order), and the codes of the
    indicators they place."""
    sex_headers = [t[name] for name in SEX_CLASSES] + [t["total"]]
    labels = {a["code"]: a for a in context.get("axes", [])}
    order = [a["code"] for a in context.get("axes", [])]
    order += [code for code in by_axis if code not in labels]
    chapters, placed = [], set()
    for number, code in enumerate((c for c in order if c in by_axis), start=1):
        axis = by_axis[code]
        info = labels.get(code, {"label": code, "sub_themes": []})
        theme_labels = {s["code"]: s["label"] for s in info["sub_themes"]}
        chapter = Chapter(
            code=code,
            title=t["axis_heading"] % {"number": number, "label": info["label"]},
            persons=sex_row(t["axis_persons_row"], axis.get("persons", {})),
        )
        entries = axis.get("indicators", {})
        for theme, content in axis.get("sub_themes", {}).items():
            codes = [c for c in content.get("indicators", []) if c in entries]
            label = theme_labels.get(theme, theme)
            if not codes:
                chapter.without_indicators.append(label)
                continue
            rows = [indicator_row(c, entries[c], meta, t, language) for c in codes]
            placed.update(codes)
            section = Section(key=f"{code}:{theme}", title=label, chart_rows=rows)
            section.tables.append(
                Table(
                    title=label,
                    first_header=t["indicator"],
                    headers=sex_headers,
                    rows=[
                        sex_row(
                            t["sub_theme_persons_row"],
                            content.get("persons", {}),
                            unit=t["persons"],
                        ),
                        *rows,
                    ],  # fmt: skip
                )
            )
            chapter.sub_themes.append(section)
        if chapter.without_indicators:
            names = ", ".join(chapter.without_indicators)
            chapter.note = t["sub_themes_without"] % {"names": names}
        chapters.append(chapter)
    return chapters, placed


def _capacity_tables(capacity: dict | None, t: dict) -> list[Table]:
    """Events by kind and participants by institution × sex, when the figures carry capacity
    building (`capacity_building`): the project bilan's tables; none otherwise."""
    section = capacity_section(capacity, t)
    return section.tables if section is not None else []
