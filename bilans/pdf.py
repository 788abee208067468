"""The bilan PDF: an HTML/CSS template (templates/bilans/pdf/) rendered by WeasyPrint.

`render_pdf(document)` returns the bytes of the PDF. It reads nothing from the database: the
document (bilans.document) carries the frozen figures and context.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from bilans.document import Document, format_number
from bilans.mission import MissionDocument
from reporting.charts import SEX_BY_COUNTRY_SERIES, SEX_SERIES, bar_chart

# WeasyPrint logs every layout step at INFO: keep worker logs readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


# The colours of reporting.charts, with the labels in the document's language.
_SEX_COLOURS = {key: colour for key, _label, colour in SEX_SERIES}
_COUNTRY_COLOURS = {key: colour for key, _label, colour in SEX_BY_COUNTRY_SERIES}


def visual_order(text: str) -> str:
    """A line of right-to-left text shaped (Arabic presentation forms) and put in visual
    order, for WeasyPrint, which lays SVG text out glyph by glyph with neither shaping nor
    bidi. Browsers need none of this (the web pages pass text as is)."""
    from arabic_reshaper import reshape
    from bidi import get_display

    return get_display(reshape(text))


def _chart_options(rtl: bool, pdf: bool) -> dict:
    """Mirrored in right-to-left documents; for WeasyPrint, text in visual order."""
    return {"rtl": rtl, "visual": visual_order if rtl and pdf else None}


def sex_bars_svg(rows, labels, *, title: str = "", rtl: bool = False, pdf: bool = False) -> str:
    """Women / girls / men / boys / unknown bars, one per indicator row (reporting.charts),
    each followed by its published total."""
    if not rows or not any(isinstance(r.cells[-1], int) and r.cells[-1] for r in rows):
        return ""
    keys = ("women", "girls", "men", "boys", "unknown")
    series = [(key, label, _SEX_COLOURS[key]) for key, label in zip(keys, labels, strict=True)]
    data = [
        (row.label, {**dict(zip(keys, row.cells[:5], strict=True)), "total": row.cells[-1]})
        for row in rows
    ]
    return bar_chart(
        data, series, title=title or " ", width=680, label_width=250, **_chart_options(rtl, pdf)
    )


def country_bars_svg(table, texts, *, rtl: bool = False, pdf: bool = False) -> str:
    """A table of places by sex (F / M / unknown, then total: returns by country, persons by
    city) as bars, in the table's order (the biggest first), for every place with a non-zero
    or hidden count (reporting.charts). Each bar ends with the sum of its published counts
    and its hidden ones ("12 + <5"), not a bare "x" total."""
    rows = [row for row in table.rows if any(c != 0 for c in row.cells[:3])][:12]
    if not rows:
        return ""
    keys = ("F", "M", "unknown")
    names = (texts["female"], texts["male"], texts["unknown"])
    series = [(key, name, _COUNTRY_COLOURS[key]) for key, name in zip(keys, names, strict=True)]
    data = [(row.label, dict(zip(keys, row.cells[:3], strict=True))) for row in rows]
    return bar_chart(
        data, series, title=table.title, width=680, label_width=230, **_chart_options(rtl, pdf)
    )


def dashboard_charts(doc: Document) -> dict[str, str]:
    """The SVG chart of the key figures and of each section, for a web page (mirrored when
    the document is right to left, whatever the page's language)."""
    sex_labels = [doc.texts[name] for name in ("women", "girls", "men", "boys", "unknown")]
    key_rows = [kf["row"] for kf in doc.key_figures]
    title = doc.texts["chart_title"]
    charts = {"key": sex_bars_svg(key_rows, sex_labels, title=title, rtl=doc.rtl)}
    for section in doc.sections:
        charts[section.key] = sex_bars_svg(section.chart_rows, sex_labels, title=title, rtl=doc.rtl)
    return charts


def mission_charts(doc: MissionDocument) -> dict[str, str]:
    """The mission's charts for its review page: key figures, persons by city, persons by
    axis (mirrored when the document is right to left)."""
    sex_labels = [doc.texts[name] for name in ("women", "girls", "men", "boys", "unknown")]
    axis_rows = [replace(chapter.persons, label=chapter.title) for chapter in doc.chapters]
    title = doc.texts["chart_title"]
    return {
        "key": sex_bars_svg(doc.key_rows, sex_labels, title=title, rtl=doc.rtl),
        "cities": country_bars_svg(doc.cities, doc.texts, rtl=doc.rtl),
        "axes": sex_bars_svg(axis_rows, sex_labels, title=title, rtl=doc.rtl),
    }


def css_string(text: str) -> str:
    """`text` as a double-quoted CSS string (for the page margin boxes), safe inside
    <style> and inside a single-quoted HTML attribute."""
    escaped = (
        str(text)
        .replace("\\", "\\5C ")
        .replace('"', "\\22 ")
        .replace("'", "\\27 ")
        .replace("<", "\\3C ")
        .replace("&", "\\26 ")
        .replace("\n", " ")
    )
    # Bandit B308/B703: every character that could end the CSS string or the tag is escaped.
    return mark_safe(f'"{escaped}"')  # noqa: S308 # nosec B308 B703


def _text(cells, language: str) -> list[str]:
    return [format_number(value, language) for value in cells]


def _with_text(rows, language: str):
    for row in rows:
        row.text = _text(row.cells, language)
    return rows


def html_for(doc: Document | MissionDocument) -> str:
    """The HTML the PDF is printed from (also handy to look at in a browser), in the
    document's language whatever the language of the request that renders it."""
    with translation.override(doc.language):
        if isinstance(doc, MissionDocument):
            return _mission_html_for(doc)
        return _html_for(doc)


def _page_frame(doc, t: dict, *, subject: str) -> dict:
    """The page furniture both documents share: stylesheet, footer, running title."""
    footer = (
        f"{subject} · {t['version']} {doc.version or '—'} · {t['checksum']} {doc.checksum[:16]}"
    )
    return {
        "doc": doc,
        "css": render_to_string("bilans/pdf/bilan.css"),
        "footer_css": css_string(footer),
        "page_css": css_string(t["page"]),
        "of_css": css_string(t["of"]),
        "footer_side": "right" if doc.rtl else "left",
        "page_side": "left" if doc.rtl else "right",
    }


def _lay_out_avrr(doc, number: int) -> int:
    """Number the returns' section of `doc` (project or mission bilan), when it has one, after
    section `number`, and draw its chart; returns the last number used."""
    avrr = doc.avrr
    if avrr is None:
        return number
    number += 1
    avrr.number = f"{number:02d}"
    for table in avrr.tables:
        _with_text(table.rows, doc.language)
    avrr.chart = (
        country_bars_svg(avrr.tables[0], doc.texts, rtl=doc.rtl, pdf=True) if avrr.tables else ""
    )
    return number


def _mission_html_for(doc: MissionDocument) -> str:
    t = doc.texts
    language = doc.language
    sex_headers = [t[name] for name in ("women", "girls", "men", "boys", "unknown")] + [t["total"]]
    sex_labels = sex_headers[:5]

    def chart(rows) -> str:
        return sex_bars_svg(rows, sex_labels, title=t["chart_title"], rtl=doc.rtl, pdf=True)

    _with_text(doc.key_rows, language)
    for table in (doc.key_bands, doc.cities, *doc.capacity):
        _with_text(table.rows, language)
    number = 2  # 01 key figures, 02 persons by city
    for chapter in doc.chapters:
        number += 1
        chapter.number = f"{number:02d}"
        _with_text(chapter.rows, language)
        for section in chapter.sub_themes:
            for table in section.tables:
                _with_text(table.rows, language)
            section.chart = chart(section.chart_rows)
    others = doc.others
    if others is not None:
        number += 1
        others.number = f"{number:02d}"
        for table in others.tables:
            _with_text(table.rows, language)
        others.chart = chart(others.chart_rows)
    number = _lay_out_avrr(doc, number)
    avrr = doc.avrr
    capacity_number = ""
    if doc.capacity:
        number += 1
        capacity_number = f"{number:02d}"
    return render_to_string(
        "bilans/pdf/mission.html",
        {
            **_page_frame(doc, t, subject=f"{t['mission']} · {t['mission_kind']}"),
            "running_css": css_string(f"{t['mission']} · {t['mission_kind']} · "),
            "sex_headers": sex_headers,
            "key_chart": chart(doc.key_rows),
            "city_chart": country_bars_svg(doc.cities, t, rtl=doc.rtl, pdf=True),
            "others": others,
            "avrr": avrr,
            "capacity_number": capacity_number,
            "donors_number": f"{number + 1:02d}",
            "method_number": f"{number + 2:02d}",
        },
    )


def _html_for(doc: Document) -> str:
    t = doc.texts
    language = doc.language
    sex_headers = [t[name] for name in ("women", "girls", "men", "boys", "unknown")] + [t["total"]]
    sex_labels = sex_headers[:5]

    key_figures = [
        {**kf, "total_text": format_number(kf["total"], language)} for kf in doc.key_figures
    ]
    key_rows = _with_text([kf["row"] for kf in doc.key_figures], language)
    key_bands = []
    if doc.key_figures:
        band_rows = [kf["bands"].rows for kf in doc.key_figures]
        for i, row in enumerate(band_rows[0]):
            key_bands.append(
                {
                    "label": row.label,
                    "values": _text(
                        [rows[i].cells[0] for rows in band_rows if i < len(rows)], language
                    ),
                }
            )

    number = 1
    sections = []
    for section in doc.sections:
        number += 1
        for table in section.tables:
            _with_text(table.rows, language)
        section.number = f"{number:02d}"
        section.chart = sex_bars_svg(
            section.chart_rows, sex_labels, title=t["chart_title"], rtl=doc.rtl, pdf=True
        )
        sections.append(section)
    number = _lay_out_avrr(doc, number)
    avrr = doc.avrr
    targets_number = ""
    if doc.targets:
        number += 1
        targets_number = f"{number:02d}"
    capacity = doc.capacity
    if capacity is not None:
        number += 1
        capacity.number = f"{number:02d}"
        for table in capacity.tables:
            _with_text(table.rows, language)
    return render_to_string(
        "bilans/pdf/bilan.html",
        {
            **_page_frame(doc, t, subject=doc.project["code"]),
            "running_css": css_string(f"{doc.project['code']} · {t['doc_kind']} · "),
            "key_rows": key_rows,
            "key_chart": sex_bars_svg(
                key_rows, sex_labels, title=t["chart_title"], rtl=doc.rtl, pdf=True
            ),
            "sex_headers": sex_headers,
            "key_figures": key_figures,
            "key_bands": key_bands,
            "sections": sections,
            "avrr": avrr,
            "targets_number": targets_number,
            "capacity": capacity,
            "method_number": f"{number + 1:02d}",
            "small_cells_note": doc.small_cells_note,
        },
    )


def render_document(doc: Document | MissionDocument):
    """The laid-out WeasyPrint document of `doc` (its `.pages`, then `.write_pdf()`)."""
    from weasyprint import HTML

    return HTML(string=html_for(doc)).render()


def render_pdf(doc: Document | MissionDocument) -> bytes:
    """The PDF bytes of `doc`."""
    return render_document(doc).write_pdf()
