"""The bilan XLSX: one sheet per section of the same document the PDF prints.

Every text cell goes through the formula guard of core.spreadsheets (`neutralise`): one that
a spreadsheet would read as a formula gets a leading quote so it stays text.
"""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bilans.document import Document, Row, Table
from bilans.mission import MissionDocument
from core.spreadsheets import neutralise

BLUE = "0033A0"
ZEBRA = "F1F4F9"


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(c for c in text if c not in "[]:*?/\\")[:31] or "Feuille"
    candidate, n = title, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


class _Sheet:
    def __init__(self, ws, rtl: bool):
        self.ws = ws
        self.row = 1
        ws.sheet_view.rightToLeft = rtl

    def title(self, text: str) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=neutralise(text))
        cell.font = Font(bold=True, size=14, color=BLUE)
        self.row += 2

    def pairs(self, pairs) -> None:
        for label, value in pairs:
            self.ws.cell(row=self.row, column=1, value=neutralise(label)).font = Font(bold=True)
            self.ws.cell(row=self.row, column=2, value=neutralise(value))
            self.row += 1
        self.row += 1

    def paragraph(self, text: str) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=neutralise(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=8)
        self.ws.row_dimensions[self.row].height = 15 * max(1, len(text) // 110 + 1)
        self.row += 1

    def table(self, table: Table, *, extra: list[str] | None = None) -> None:
        ws = self.ws
        cell = ws.cell(row=self.row, column=1, value=neutralise(table.title))
        cell.font = Font(bold=True, color=BLUE)
        self.row += 1
        headers = [table.first_header, *(extra or []), *table.headers]
        for col, header in enumerate(headers, start=1):
            cell = ws.cell(row=self.row, column=col, value=neutralise(header))
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor=BLUE)
        self.row += 1
        for i, row in enumerate(table.rows):
            values = [row.label, *([row.unit] if extra else []), *row.cells]
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=self.row, column=col, value=neutralise(value))
                if i % 2:
                    cell.fill = PatternFill("solid", fgColor=ZEBRA)
                if col > 1 + len(extra or []):
                    cell.alignment = Alignment(horizontal="right")
            self.row += 1
        if table.note:
            ws.cell(row=self.row, column=1, value=neutralise(table.note)).font = Font(italic=True)
            self.row += 1
        self.row += 1

    def widths(self, first: int = 48, others: int = 14) -> None:
        self.ws.column_dimensions["A"].width = first
        for col in range(2, 10):
            self.ws.column_dimensions[get_column_letter(col)].width = others


def render_xlsx(doc: Document | MissionDocument) -> bytes:
    """The XLSX bytes of `doc`: project, key figures, one sheet per indicator family,
    returns, methodology (for the mission: mission, indicators, by city, by axis, returns,
    capacity building, donors and partners, methodology); in the document's language
    whatever the request's."""
    with translation.override(doc.language):
        if isinstance(doc, MissionDocument):
            return _render_mission_xlsx(doc)
        return _render_xlsx(doc)


def _saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _render_mission_xlsx(doc: MissionDocument) -> bytes:
    t = doc.texts
    wb = Workbook()
    used: set[str] = set()

    cover = _Sheet(wb.active, doc.rtl)
    cover.ws.title = _sheet_title(t["sheet_mission"], used)
    cover.title(t["mission_title"])
    cover.pairs(
        [
            (t["period"], doc.period_label),
            *((tile["label"], tile["value"]) for tile in doc.tiles),
            (t["donors"], ", ".join(doc.donors) or "—"),
            (t["partners"], ", ".join(doc.partners) or "—"),
            (t["version"], doc.version),
            (t["generated"], doc.generated_on),
            (t["checksum"], doc.checksum),
        ]
    )
    cover.paragraph(t["mission_disclaimer"])
    cover.widths(48, 80)

    sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_indicators"], used)), doc.rtl)
    sheet.title(t["sheet_indicators"])
    sheet.table(doc.indicators, extra=[t["unit"]])
    sheet.table(doc.key_bands)
    sheet.widths()

    sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_cities"], used)), doc.rtl)
    sheet.title(t["by_city_title"])
    sheet.table(doc.cities)
    sheet.widths(30, 18)

    sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_axes"], used)), doc.rtl)
    sex_headers = [t[n] for n in ("women", "girls", "men", "boys", "unknown")] + [t["total"]]
    for chapter in doc.chapters:
        sheet.title(chapter.title)
        sheet.table(Table(t["axis_persons"], sex_headers, chapter.rows, first_header=""))
        for section in chapter.sub_themes:
            for table in section.tables:
                sheet.table(table, extra=[t["unit"]])
        if chapter.note:
            sheet.paragraph(chapter.note)
            sheet.row += 1
    if doc.others is not None:
        sheet.title(doc.others.title)
        for table in doc.others.tables:
            sheet.table(table, extra=[t["unit"]])
    sheet.widths()

    if doc.avrr is not None:
        sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_avrr"], used)), doc.rtl)
        sheet.title(doc.avrr.title)
        for table in doc.avrr.tables:
            sheet.table(table)
        sheet.widths()

    if doc.capacity:
        sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_capacity"], used)), doc.rtl)
        sheet.title(t["capacity_title"])
        sheet.paragraph(t["capacity_intro"])
        sheet.row += 1
        for table in doc.capacity:
            sheet.table(table)
        sheet.widths()

    sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_donors"], used)), doc.rtl)
    sheet.title(t["donors_title"])
    headers = [t["project"], t["donor"], t["partners"], t["axes"]]
    for col, header in enumerate(headers, start=1):
        cell = sheet.ws.cell(row=sheet.row, column=col, value=neutralise(header))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=BLUE)
    sheet.row += 1
    for project in doc.projects:
        values = [
            f"{project['code']} — {project['title']}",
            project["donor"],
            ", ".join(project["partners"]),
            ", ".join(project["axes"]),
        ]
        for col, value in enumerate(values, start=1):
            sheet.ws.cell(row=sheet.row, column=col, value=neutralise(value))
        sheet.row += 1
    sheet.widths(60, 40)

    method = _Sheet(wb.create_sheet(_sheet_title(t["sheet_method"], used)), doc.rtl)
    method.title(t["methodology"])
    for paragraph in doc.methodology:
        method.paragraph(paragraph)
    method.row += 1
    method.paragraph(t["small_cells_title"])
    method.paragraph(doc.small_cells_note)
    method.widths(16, 16)
    return _saved(wb)


def _render_xlsx(doc: Document) -> bytes:
    t = doc.texts
    wb = Workbook()
    used: set[str] = set()

    cover = _Sheet(wb.active, doc.rtl)
    cover.ws.title = _sheet_title(t["sheet_cover"], used)
    cover.title(f"{t['doc_kind']} — {doc.project['title']}")
    facts = [
        (t["project"], doc.project["code"]),
        (t["donor"], doc.donor),
        (t["period"], doc.period_label),
        (t["budget"], doc.budget or "—"),
        (t["partners"], ", ".join(doc.partners) or "—"),
        (t["cities"], ", ".join(doc.cities) or "—"),
    ]
    if doc.organisation:
        facts.append((t["provider_cut"], doc.organisation))
    facts += [
        (t["version"], doc.version),
        (t["generated"], doc.generated_on),
        (t["checksum"], doc.checksum),
    ]
    cover.pairs(facts)
    cover.widths(34, 80)

    key = _Sheet(wb.create_sheet(_sheet_title(t["sheet_key"], used)), doc.rtl)
    key.title(t["key_figures"])
    sex_headers = [t[n] for n in ("women", "girls", "men", "boys", "unknown")] + [t["total"]]
    if doc.key_figures:
        key.table(
            Table(
                title=t["by_sex"],
                first_header=t["indicator"],
                headers=sex_headers,
                rows=[kf["row"] for kf in doc.key_figures],
            )
        )
        for kf in doc.key_figures:
            key.table(kf["bands"])
    key.widths()

    for section in doc.sections:
        sheet = _Sheet(wb.create_sheet(_sheet_title(section.title, used)), doc.rtl)
        sheet.title(section.title)
        for table in section.tables:
            sheet.table(table, extra=[t["unit"]])
        sheet.widths()

    if doc.avrr is not None:
        sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_avrr"], used)), doc.rtl)
        sheet.title(doc.avrr.title)
        for table in doc.avrr.tables:
            sheet.table(table)
        sheet.widths()

    if doc.targets:
        sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_targets"], used)), doc.rtl)
        sheet.title(t["targets_title"])
        for group in doc.targets:
            sheet.table(
                Table(
                    title=group["result"],
                    first_header=t["indicator"],
                    headers=[t["baseline"], t["achieved"], t["target"], t["share_of_target"]],
                    rows=[
                        Row(label=f"{row['indicator']} — {row['cut']}", cells=row["cells"])
                        for row in group["rows"]
                    ],
                )
            )
    if doc.capacity is not None:
        sheet = _Sheet(wb.create_sheet(_sheet_title(t["sheet_capacity"], used)), doc.rtl)
        sheet.title(doc.capacity.title)
        for table in doc.capacity.tables:
            sheet.table(table)
        sheet.widths()

    method = _Sheet(wb.create_sheet(_sheet_title(t["sheet_method"], used)), doc.rtl)
    method.title(t["methodology"])
    for paragraph in doc.methodology:
        method.paragraph(paragraph)
    method.row += 1
    method.paragraph(t["small_cells_title"])
    method.paragraph(doc.small_cells_note)
    method.widths(16, 16)
    return _saved(wb)
