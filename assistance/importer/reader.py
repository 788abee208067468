"""Reading a partner's file: CSV (csvfile) or XLSX (first sheet, here) into a header line and
rows of text, each with the row number the user sees, once the file has been measured against
the limits of settings (limits) without parsing it.

Reading then stays within what was measured. The few parts of a workbook parsed whole (the
manifest, the workbook and its relationships, the styles) are bounded first, in bytes and in
elements (`WHOLE_PARTS_MAX_BYTES`, `WHOLE_PARTS_MAX_ELEMENTS`). The shared strings and the
first sheet are parsed a piece at a time, each element dropped as soon as it has been read, so
memory holds one row whatever else the part holds (openpyxl's own reader keeps a whole
`<row>`, and any element it does not know, until the end); the values of the cells are read
by openpyxl's own cell reader (dates, numbers, booleans, texts). No other sheet is opened.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance.importer.csvfile import read_csv
from assistance.importer.limits import (
    CHUNK_BYTES,
    DOCTYPE,
    MB,
    XLSX_MAGIC,
    ImportFileError,
    Shape,
    cells_limit,
    check_inflation,
    check_size,
    elements,
    file_too_large,
    grouped,
    is_xlsx,
    measure_sheets,
    not_a_workbook,
    read_limited,
    too_many_rows,
)

# What the importer's services, pages and API use to read a file: these, and the limits'
# errors and bounds they use with them.
__all__ = [
    "CHUNK_BYTES",
    "ImportFileError",
    "Shape",
    "Table",
    "cells_limit",
    "file_too_large",
    "measure",
    "read_limited",
    "read_table",
]

# What is parsed whole into memory (the manifest, the workbook and its relationships, the
# styles): a few hundred kilobytes and a few thousand elements in real workbooks.
WHOLE_PARTS_MAX_BYTES = 20 * MB
WHOLE_PARTS_MAX_ELEMENTS = 200_000
# What no spreadsheet holds: elements nested deeper, a cell or shared string of more elements
# (rich text runs).
XML_MAX_DEPTH = 64
ITEM_MAX_ELEMENTS = 10_000

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _STRING = f"{_MAIN_NS}row", f"{_MAIN_NS}c", f"{_MAIN_NS}si"
_STYLES = "xl/styles.xml"  # where openpyxl reads them (openpyxl.xml.constants.ARC_STYLE)


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number as seen in the spreadsheet, cells)


def measure(content: bytes, filename: str, *, rows_up_to: int | None = None) -> Shape:
    """Check `content` against the limits without parsing it (ImportFileError if over one).

    An XLSX's rows are counted up to `rows_up_to` + 1 when given (a caller that only needs to
    know whether a file is small), else up to the row limit, above which it is refused. A
    CSV's rows are counted while it is read (a quoted cell may hold line breaks): here only
    its line breaks, as an upper bound.
    """
    check_size(len(content))
    if not is_xlsx(content, filename):
        return Shape(
            rows=content.count(b"\n"),
            cells=content.count(b",") + content.count(b";"),
            strings=0,
            inflated_bytes=len(content),
        )
    if not content.startswith(XLSX_MAGIC):
        raise not_a_workbook()
    try:
        workbook = _Workbook(content)
        inflated = check_inflation(workbook.archive)
        workbook.locate()
        return measure_sheets(
            workbook.archive, workbook.sheets, workbook.strings, rows_up_to, inflated
        )
    except ImportFileError:
        raise
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        # Damaged, encrypted or not a workbook at all (zipfile, zlib, expat and openpyxl
        # raise many kinds): openpyxl could not read it either.
        raise not_a_workbook() from None


class _Workbook:
    """An XLSX as openpyxl's reader opens it, reading no more than an import needs: the
    manifest, the workbook and its relationships and the styles (parsed whole, once
    bounded), the shared strings and the first worksheet (streamed). No other sheet is read.
    """

    def __init__(self, content: bytes):
        from openpyxl.reader.excel import ExcelReader

        self.reader = ExcelReader(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
        self.archive = self.reader.archive
        self.names = set(self.archive.namelist())

    def locate(self) -> None:
        """Find the first worksheet and the shared strings as openpyxl does (its manifest and
        workbook readers), bounding first every part parsed whole to that end."""
        from openpyxl.packaging.relationship import get_rels_path
        from openpyxl.reader.excel import _find_workbook_part
        from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS

        self._check_whole([ARC_CONTENT_TYPES])
        self.reader.read_manifest()
        workbook = _find_workbook_part(self.reader.package).PartName[1:]
        self._check_whole([ARC_CONTENT_TYPES, workbook, get_rels_path(workbook), _STYLES])
        self.reader.read_workbook()
        self.sheets = [
            rel.target
            for _sheet, rel in self.reader.parser.find_sheets()
            if rel.target in self.names and "chartsheet" not in rel.Type
        ]
        if not self.sheets:
            raise not_a_workbook()  # no worksheet: openpyxl's `worksheets[0]` fails too
        strings = self.reader.package.find(SHARED_STRINGS)
        self.strings = strings.PartName[1:] if strings is not None else None
        if self.strings not in self.names:
            self.strings = None

    def _check_whole(self, names) -> None:
        parts = [self.archive.getinfo(n) for n in dict.fromkeys(names) if n in self.names]
        too_big = sum(part.file_size for part in parts) > WHOLE_PARTS_MAX_BYTES
        if not too_big:
            contents = [self.archive.read(part) for part in parts]
            if any(DOCTYPE in content for content in contents):
                raise not_a_workbook()
            too_big = sum(map(elements, contents)) > WHOLE_PARTS_MAX_ELEMENTS
        if too_big:
            raise ImportFileError(
                ngettext(
                    "Les styles et autres parties de ce classeur dépassent %(size)s Mo ou "
                    "%(elements)s élément une fois décompressés : copiez les données dans un "
                    "nouveau classeur ou enregistrez-le en CSV.",
                    "Les styles et autres parties de ce classeur dépassent %(size)s Mo ou "
                    "%(elements)s éléments une fois décompressés : copiez les données dans un "
                    "nouveau classeur ou enregistrez-le en CSV.",
                    WHOLE_PARTS_MAX_ELEMENTS,
                )
                % {
                    "size": grouped(WHOLE_PARTS_MAX_BYTES // MB),
                    "elements": grouped(WHOLE_PARTS_MAX_ELEMENTS),
                }
            )

    def rows(self) -> Iterator[tuple[int, list]]:
        """(number, values) of each row of the first sheet, in order; a value for each `<c>`
        as openpyxl reads it (its cell reader, with the workbook's shared strings, date
        styles and epoch), at its column (1-based) in a dict."""
        from openpyxl.cell.text import Text
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.worksheet._reader import WorkSheetParser

        self.locate()
        book = self.reader.wb
        apply_stylesheet(self.archive, book)
        strings = []
        if self.strings is not None:
            with self.archive.open(self.strings) as stream:
                for _event, item in _items(stream, _STRING):
                    # As openpyxl's read_string_table.
                    strings.append(Text.from_tree(item).content.replace("x005F_", ""))
        cells = WorkSheetParser(
            None,
            strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        number, values = 0, None
        with self.archive.open(self.sheets[0]) as stream:
            for event, element in _items(stream, _CELL, starts=_ROW):
                tag = element.tag
                if tag == _CELL:
                    if values is not None:
                        cell = cells.parse_cell(element)
                        values[cell["column"]] = cell["value"]
                elif event == "start":
                    if values is not None:
                        raise not_a_workbook()  # a row within a row
                    text = element.get("r")
                    following = number + 1 if text is None else _row_number(text)
                    if following <= number:
                        raise not_a_workbook()  # rows out of order: no spreadsheet's
                    number, values = following, {}
                    cells.row_counter, cells.col_counter = number, 0
                elif values is not None:
                    yield number, values
                    values = None


def _row_number(text: str) -> int:
    value = float(text)
    if not value.is_integer() or value < 1:
        raise ValueError(text)
    return int(value)


def _items(stream, item: str, starts: str | None = None):
    """The `item` elements of an XML stream, each whole at its end event, and the start and
    end events of the `starts` elements, read a piece at a time with nothing kept behind:
    every element is dropped from its parent once it ends (an item once the caller has read
    it, what is in an item with it). Memory holds the open elements and one item, whatever
    the part holds; deeper nesting than XML_MAX_DEPTH or an item of more than
    ITEM_MAX_ELEMENTS elements is no spreadsheet's."""
    path: list = []
    current = None  # the open item
    inside = 0  # elements in it
    # The part was measured (no DOCTYPE, its elements counted); expat bounds entities anyway.
    # Bandit B314: a part with a DOCTYPE was refused before parsing (limits.py, reader.py), so
    # no entity can be declared: no external entity, no expansion bomb for defusedxml to stop.
    parsed = ElementTree.iterparse(stream, events=("start", "end"))  # noqa: S314 # nosec B314
    for event, element in parsed:
        if event == "start":
            path.append(element)
            if current is not None:
                inside += 1
                if inside > ITEM_MAX_ELEMENTS:
                    raise not_a_workbook()
            elif element.tag == item:
                current, inside = element, 0
            elif element.tag == starts:
                yield event, element
            if len(path) > XML_MAX_DEPTH:
                raise not_a_workbook()
            continue
        path.pop()
        if current is not None:
            if element is not current:
                continue  # read with its item
            current = None
            yield event, element
        elif element.tag == starts:
            yield event, element
        if path:
            path[-1].remove(element)


def read_table(content: bytes, filename: str) -> Table:
    if not content:
        raise ImportFileError(_("Le fichier est vide (0 octet)."))
    name = (filename or "").lower()
    if name.endswith(".xls") and not content.startswith(XLSX_MAGIC):
        raise ImportFileError(
            _("Les fichiers .xls (Excel 97-2003) ne sont pas lus : enregistrez-le en .xlsx ou CSV.")
        )
    measure(content, filename)
    if is_xlsx(content, filename):
        return _read_xlsx(content)
    headers, rows = read_csv(content)
    return Table(headers=headers, rows=rows)


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(content: bytes) -> Table:
    """The first sheet: its first row (row 1) as the header, then every row below it that is
    not empty, no wider than the header and no further than the row limit."""
    limit = settings.IMPORT_MAX_ROWS
    try:
        rows = _Workbook(content).rows()
        first = next(rows, None)
    except (ImportFileError, SoftTimeLimitExceeded):
        raise
    except Exception:
        # Damaged, encrypted or not a workbook at all: openpyxl could not read it either.
        raise not_a_workbook() from None
    if first is None:
        raise ImportFileError(_("La première feuille du classeur est vide."))
    number, values = first
    header_cells = values if number == 1 else {}
    width = max(
        (column for column, value in header_cells.items() if value not in (None, "")), default=0
    )
    headers = [_xlsx_text(header_cells.get(column)) for column in range(1, width + 1)]

    def data_rows():
        pending = None if number == 1 else first
        try:
            while True:
                row = pending or next(rows, None)
                pending = None
                if row is None:
                    return
                row_number, row_values = row
                if row_number > limit + 1:
                    raise too_many_rows()
                # As wide as the header at most, and no wider than the row's last text: a
                # header reaching column XFD does not make every row 16,384 cells long.
                texts = {
                    column: _xlsx_text(value)
                    for column, value in row_values.items()
                    if column <= width
                }
                last = max((column for column, text in texts.items() if text.strip()), default=0)
                if last:
                    cells = [""] * last
                    for column, text in texts.items():
                        if column <= last:
                            cells[column - 1] = text
                    yield row_number, cells
        except (ImportFileError, SoftTimeLimitExceeded):
            raise
        except Exception:
            raise not_a_workbook() from None

    return Table(headers=headers, rows=data_rows())
