"""Reading a partner's file: CSV (UTF-8, comma or semicolon, BOM tolerated) or XLSX (first
sheet) into a header line and rows of text, each with the row number the user sees.

A file is measured against the limits of settings (docs/api.md, section 7) before
anything of it is parsed, so that one small file cannot take a worker's memory or time:

- its size as uploaded (`IMPORT_MAX_UPLOAD_BYTES`), checked on the declared size before the
  file is read, then while it is read in chunks (`read_limited`);
- for an XLSX, which is a zip, from its central directory alone: what its parts inflate to
  (`IMPORT_MAX_UNCOMPRESSED_BYTES`) and how much any sizeable part is compressed
  (`IMPORT_MAX_COMPRESSION_RATIO`, the zip-bomb check of Apache POI). The declared sizes are
  a true bound: Python's zipfile stops a part at its declared size and refuses it when the
  checksum then fails;
- the few parts parsed whole (the manifest, the workbook and its relationships, the styles),
  in bytes and in elements (`WHOLE_PARTS_MAX_BYTES`, `WHOLE_PARTS_MAX_ELEMENTS`);
- the first sheet, counted on its inflated stream without parsing it: its rows
  (`IMPORT_MAX_ROWS`), its cells in all (the rows the limit allows times the contract's
  columns, twice over) and in any one row (`ROW_MAX_CELLS`, Excel's own maximum); and the
  shared strings, of which a workbook needs at most one per cell. Elements are counted
  whatever their namespace prefix (`<row>`, `<x:row>`). The sheet's `<dimension>` is not
  trusted: any writer may leave it out or get it wrong;
- a CSV's rows, and the width of each, while it is read.

Reading then stays within what was measured. The shared strings and the first sheet are
parsed a piece at a time, each element dropped as soon as it has been read, so memory holds
one row whatever else the part holds (openpyxl's own reader keeps a whole `<row>`, and any
element it does not know, until the end); the values of the cells are read by openpyxl's
own cell reader (dates, numbers, booleans, texts). No other sheet is opened.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A cell longer than this stops the CSV reader; shorter ones over columns.MAX_CELL_CHARS are
# reported per row with the other errors.
CSV_FIELD_LIMIT = 1_000_000
# A CSV row (its lines, when a quoted cell holds line breaks) longer than this is refused
# before the CSV reader splits it into cells: an unclosed quote, or no spreadsheet's row.
CSV_ROW_MAX_CHARS = 2 * CSV_FIELD_LIMIT
XLSX_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024
# Files are read and parts inflated this much at a time.
CHUNK_BYTES = MB
# A part smaller than this once inflated is harmless whatever its compression ratio.
RATIO_GRACE_BYTES = MB
# What is parsed whole into memory (the manifest, the workbook and its relationships, the
# styles): a few hundred kilobytes and a few thousand elements in real workbooks.
WHOLE_PARTS_MAX_BYTES = 20 * MB
WHOLE_PARTS_MAX_ELEMENTS = 200_000
# No row of a spreadsheet has more cells than Excel has columns (XFD).
ROW_MAX_CELLS = 16_384
# Cells of a sheet in all: the rows the limit allows, each with the contract's columns this
# many times over (room for a partner's own columns, ignored by the import).
CELLS_PER_CONTRACT_COLUMN = 2
# Elements of a part read a piece at a time (the first sheet, the shared strings), per cell
# the limit allows: a cell is an element or three (`<c><is><t>`), a row one more.
ELEMENTS_PER_CELL = 4
# Shared strings no cell uses, which a writer may leave behind.
UNUSED_STRINGS_MARGIN = 1000
# What no spreadsheet holds: elements nested deeper, a cell or shared string of more elements
# (rich text runs), an element name longer.
XML_MAX_DEPTH = 64
ITEM_MAX_ELEMENTS = 10_000
NAME_MAX_BYTES = 1024

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _STRING = f"{_MAIN_NS}row", f"{_MAIN_NS}c", f"{_MAIN_NS}si"
_STYLES = "xl/styles.xml"  # where openpyxl reads them (openpyxl.xml.constants.ARC_STYLE)
# An element's start tag, whatever its namespace prefix (any bytes a name may hold).
_PREFIX = rb"(?:[^\s<>/=:!?\"']+:)?"
_NAME_SO_FAR = re.compile(rb"<[^\s<>/=!?\"']*")
# No part of a workbook declares a document type: entities are refused before expat expands
# them (it bounds their expansion too).
_DOCTYPE = b"<!DOCTYPE"


class ImportFileError(Exception):
    """The file as a whole cannot be read (empty, wrong encoding, not a spreadsheet…)."""

    def __init__(self, message: str, *, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number as seen in the spreadsheet, cells)


@dataclass(frozen=True)
class Shape:
    """What reading a file will cost, measured without parsing it."""

    rows: int  # data rows (an XLSX's counted up to a bound; a CSV's line breaks, at most)
    cells: int  # an XLSX's cells (counted up to a bound); a CSV's delimiters, at most
    strings: int  # an XLSX's shared strings (counted up to a bound)
    inflated_bytes: int  # the file's size, or an XLSX's parts once inflated


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _is_xlsx(content: bytes, filename: str) -> bool:
    name = (filename or "").lower()
    return name.endswith((".xlsx", ".xlsm")) or content.startswith(XLSX_MAGIC)


def _too_many_rows() -> ImportFileError:
    limit = settings.IMPORT_MAX_ROWS
    return ImportFileError(
        ngettext(
            "Le fichier compte plus de %(limit)s ligne : découpez-le en plusieurs fichiers de "
            "%(limit)s ligne au plus.",
            "Le fichier compte plus de %(limit)s lignes : découpez-le en plusieurs fichiers de "
            "%(limit)s lignes au plus.",
            limit,
        )
        % {"limit": _number(limit)}
    )


def _row_too_wide(row: int | None = None) -> ImportFileError:
    return ImportFileError(
        ngettext(
            "Une ligne du fichier compte plus de %(limit)s cellule, le maximum d'un tableur : "
            "ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
            "Une ligne du fichier compte plus de %(limit)s cellules, le maximum d'un tableur : "
            "ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
            ROW_MAX_CELLS,
        )
        % {"limit": _number(ROW_MAX_CELLS)},
        row=row,
    )


def _not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : ouvrez-le dans Excel ou "
            "LibreOffice et enregistrez-le au format .xlsx ou CSV UTF-8."
        )
    )


def file_too_large() -> ImportFileError:
    return ImportFileError(
        _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
        % {"size": _number(settings.IMPORT_MAX_UPLOAD_BYTES // MB)}
    )


def check_size(size: int) -> None:
    """Refuse a file larger than the upload limit (`size` as declared, before reading it)."""
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise file_too_large()


def read_limited(stream, *, declared_size: int) -> bytes:
    """The content of an uploaded or opened file: refused on its declared size before any of
    it is read, then read in chunks and refused as soon as it grows past the limit."""
    check_size(declared_size)
    chunks, total = [], 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        check_size(total)
        chunks.append(chunk)
    return b"".join(chunks)


def cells_limit(rows: int | None = None) -> int:
    """The most cells a sheet of `rows` data rows (by default the limit's) may hold, its
    header row included."""
    from assistance.importer.columns import COLUMNS

    rows = settings.IMPORT_MAX_ROWS if rows is None else rows
    return (rows + 1) * len(COLUMNS) * CELLS_PER_CONTRACT_COLUMN


def measure(content: bytes, filename: str, *, rows_up_to: int | None = None) -> Shape:
    """Check `content` against the limits without parsing it (ImportFileError if over one).

    An XLSX's rows are counted up to `rows_up_to` + 1 when given (a caller that only needs to
    know whether a file is small), else up to the row limit, above which it is refused. A
    CSV's rows are counted while it is read (a quoted cell may hold line breaks): here only
    its line breaks, as an upper bound.
    """
    check_size(len(content))
    if not _is_xlsx(content, filename):
        return Shape(
            rows=content.count(b"\n"),
            cells=content.count(b",") + content.count(b";"),
            strings=0,
            inflated_bytes=len(content),
        )
    if not content.startswith(XLSX_MAGIC):
        raise _not_a_workbook()
    try:
        return _Workbook(content).measure(rows_up_to)
    except ImportFileError:
        raise
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        # Damaged, encrypted or not a workbook at all (zipfile, zlib, expat and openpyxl
        # raise many kinds): openpyxl could not read it either.
        raise _not_a_workbook() from None


@dataclass
class _Tally:
    """Elements counted in a part: `outer` ones (rows, shared strings) and, for a sheet, the
    `inner` ones (cells) in all and in the widest row."""

    outer: int = 0
    inner: int = 0
    widest: int = 0
    open_row: int = 0  # cells since the last row began
    elements: int = 0  # of any name

    def add(self, kinds: list[bytes], outer: bytes) -> None:
        if not kinds:
            return
        # One byte per cell (b"c") between the rows' names: the cells of each row are the
        # lengths of the pieces between them, counted in C.
        first, *rest = b"".join(kinds).split(outer)
        self.outer += len(rest)
        self.inner += len(first) + sum(map(len, rest))
        if rest:
            self.widest = max(self.widest, self.open_row + len(first), *map(len, rest))
            self.open_row = len(rest[-1])
        else:
            self.open_row += len(first)
            self.widest = max(self.widest, self.open_row)


def _count(archive, name: str, outer: bytes, inner: bytes = b"", *, enough) -> _Tally:
    """How many `<outer>` (and `<inner>`) elements part `name` holds, whatever their prefix,
    counted on its inflated bytes a chunk at a time without parsing them; stops as soon as
    `enough(tally)`. Comments and the like may add to the counts, never hide an element.
    """
    names = outer + (b"|" + inner if inner else b"")
    pattern = re.compile(rb"<" + _PREFIX + rb"(" + names + rb")[\s/>]")
    tally = _Tally()
    with archive.open(name) as stream:
        tail = b""
        while True:
            chunk = stream.read(CHUNK_BYTES)
            buffer = tail + chunk
            # Up to the last "<": a name cut in two is read whole with the next chunk (no
            # element's start tag holds a "<", so every match before it is complete).
            cut = buffer.rfind(b"<") if chunk else -1
            if cut < 0:
                cut = len(buffer)
            elif len(buffer) - cut > NAME_MAX_BYTES:
                if _NAME_SO_FAR.fullmatch(buffer, cut):
                    raise _not_a_workbook()  # a name longer than any: no spreadsheet's
                cut = len(buffer)
            if _DOCTYPE in buffer:
                raise _not_a_workbook()
            tally.add(pattern.findall(buffer, 0, cut), outer)
            tally.elements += _elements(buffer, cut)
            if not chunk or enough(tally):
                return tally
            tail = buffer[cut:]


def _elements(data: bytes, end: int | None = None) -> int:
    """Elements (start tags) in `data`[:end], counted in C: comments add to them."""
    return data.count(b"<", 0, end) - data.count(b"</", 0, end)


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
            raise _not_a_workbook()  # no worksheet: openpyxl's `worksheets[0]` fails too
        strings = self.reader.package.find(SHARED_STRINGS)
        self.strings = strings.PartName[1:] if strings is not None else None
        if self.strings not in self.names:
            self.strings = None

    def _check_whole(self, names) -> None:
        parts = [self.archive.getinfo(n) for n in dict.fromkeys(names) if n in self.names]
        too_big = sum(part.file_size for part in parts) > WHOLE_PARTS_MAX_BYTES
        if not too_big:
            contents = [self.archive.read(part) for part in parts]
            if any(_DOCTYPE in content for content in contents):
                raise _not_a_workbook()
            too_big = sum(map(_elements, contents)) > WHOLE_PARTS_MAX_ELEMENTS
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
                    "size": _number(WHOLE_PARTS_MAX_BYTES // MB),
                    "elements": _number(WHOLE_PARTS_MAX_ELEMENTS),
                }
            )

    def measure(self, rows_up_to: int | None) -> Shape:
        archive, parts = self.archive, self.archive.infolist()
        inflated = sum(part.file_size for part in parts)
        if inflated > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise ImportFileError(
                _(
                    "Une fois décompressé, ce classeur dépasse %(size)s Mo : découpez-le en "
                    "plusieurs fichiers ou enregistrez-le en CSV."
                )
                % {"size": _number(settings.IMPORT_MAX_UNCOMPRESSED_BYTES // MB)}
            )
        ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
        for part in parts:
            if part.file_size > RATIO_GRACE_BYTES and part.file_size > ratio * part.compress_size:
                raise ImportFileError(
                    ngettext(
                        "Ce classeur est anormalement compressé (une partie se décompresse plus "
                        "de %(ratio)s fois) : il est refusé par sécurité. Ouvrez-le dans Excel "
                        "ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
                        "Ce classeur est anormalement compressé (une partie se décompresse plus "
                        "de %(ratio)s fois) : il est refusé par sécurité. Ouvrez-le dans Excel "
                        "ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
                        ratio,
                    )
                    % {"ratio": _number(ratio)}
                )
        self.locate()
        limit = settings.IMPORT_MAX_ROWS
        rows_bound = limit if rows_up_to is None else min(rows_up_to, limit)
        cells_bound, max_cells = cells_limit(rows_bound), cells_limit()
        max_elements = ELEMENTS_PER_CELL * max_cells
        # The header is a row too.
        sheet = _count(
            archive,
            self.sheets[0],
            b"row",
            b"c",
            enough=lambda t: (
                t.outer > rows_bound + 1
                or t.inner > cells_bound
                or t.widest > ROW_MAX_CELLS
                or t.elements > max_elements
            ),
        )
        if sheet.elements > max_elements:
            raise _too_many_elements()
        if sheet.widest > ROW_MAX_CELLS:
            raise _row_too_wide()
        if sheet.inner > max_cells:
            raise ImportFileError(
                ngettext(
                    "Le classeur compte plus de %(cells)s cellule, le double de ce que les "
                    "colonnes du modèle demandent au nombre de lignes permis (%(rows)s) : "
                    "supprimez les colonnes qui ne sont pas dans le modèle, ou découpez le "
                    "fichier.",
                    "Le classeur compte plus de %(cells)s cellules, le double de ce que les "
                    "colonnes du modèle demandent au nombre de lignes permis (%(rows)s) : "
                    "supprimez les colonnes qui ne sont pas dans le modèle, ou découpez le "
                    "fichier.",
                    max_cells,
                )
                % {"cells": _number(max_cells), "rows": _number(limit)}
            )
        rows = max(sheet.outer - 1, 0)
        if rows_up_to is None and rows > limit:
            raise _too_many_rows()
        strings = self._count_strings(sheet.inner, refuse=rows_up_to is None, bound=cells_bound)
        return Shape(rows=rows, cells=sheet.inner, strings=strings, inflated_bytes=inflated)

    def _count_strings(self, first_sheet_cells: int, *, refuse: bool, bound: int) -> int:
        """The shared strings, counted up to `bound` + UNUSED_STRINGS_MARGIN (when `refuse` is
        False), else checked: a workbook needs at most one distinct text per cell, so a table of
        more shared strings than the workbook's sheets have cells (or than the contract's
        columns on the rows the limit allows) is no spreadsheet's, whatever memory it would
        take."""
        from assistance.importer.columns import COLUMNS

        if self.strings is None:
            return 0
        limit = settings.IMPORT_MAX_ROWS
        most = limit * len(COLUMNS)
        up_to = most if refuse else min(most, bound + UNUSED_STRINGS_MARGIN)
        max_elements = ELEMENTS_PER_CELL * cells_limit()
        counted = _count(
            self.archive,
            self.strings,
            b"si",
            enough=lambda t: t.outer > up_to or t.elements > max_elements,
        )
        if counted.elements > max_elements:
            raise _too_many_elements()
        if not refuse:
            return counted.outer
        if counted.outer > most:
            raise ImportFileError(
                ngettext(
                    "Ce classeur contient plus de %(count)s texte différent, plus qu'une "
                    "feuille au nombre de lignes permis (%(rows)s) ne peut en utiliser : "
                    "copiez les données dans un nouveau classeur ou enregistrez-le en CSV.",
                    "Ce classeur contient plus de %(count)s textes différents, plus qu'une "
                    "feuille au nombre de lignes permis (%(rows)s) ne peut en utiliser : "
                    "copiez les données dans un nouveau classeur ou enregistrez-le en CSV.",
                    most,
                )
                % {"count": _number(most), "rows": _number(limit)}
            )
        # The other sheets' cells may use strings too: counted only when the first's do not
        # account for them all.
        cells = first_sheet_cells + UNUSED_STRINGS_MARGIN
        for name in self.sheets[1:]:
            if counted.outer <= cells:
                break
            needed = counted.outer - cells
            cells += _count(
                self.archive, name, b"row", b"c", enough=lambda t, n=needed: t.inner > n
            ).inner
        if counted.outer > cells:
            raise ImportFileError(
                _(
                    "Ce classeur contient plus de textes différents que de cellules : il n'a "
                    "pas été écrit par un tableur. Copiez les données dans un nouveau classeur "
                    "ou enregistrez-le en CSV."
                )
            )
        return counted.outer

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
                        raise _not_a_workbook()  # a row within a row
                    text = element.get("r")
                    following = number + 1 if text is None else _row_number(text)
                    if following <= number:
                        raise _not_a_workbook()  # rows out of order: no spreadsheet's
                    number, values = following, {}
                    cells.row_counter, cells.col_counter = number, 0
                elif values is not None:
                    yield number, values
                    values = None


def _too_many_elements() -> ImportFileError:
    """A part read a piece at a time costs time per element, whatever they are."""
    count = ELEMENTS_PER_CELL * cells_limit()
    return ImportFileError(
        ngettext(
            "Une partie de ce classeur compte plus de %(count)s élément, bien plus que des "
            "cellules n'en demandent : copiez les données dans un nouveau classeur ou "
            "enregistrez-le en CSV.",
            "Une partie de ce classeur compte plus de %(count)s éléments, bien plus que des "
            "cellules n'en demandent : copiez les données dans un nouveau classeur ou "
            "enregistrez-le en CSV.",
            count,
        )
        % {"count": _number(count)}
    )


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
    parsed = ElementTree.iterparse(stream, events=("start", "end"))  # noqa: S314
    for event, element in parsed:
        if event == "start":
            path.append(element)
            if current is not None:
                inside += 1
                if inside > ITEM_MAX_ELEMENTS:
                    raise _not_a_workbook()
            elif element.tag == item:
                current, inside = element, 0
            elif element.tag == starts:
                yield event, element
            if len(path) > XML_MAX_DEPTH:
                raise _not_a_workbook()
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
    if _is_xlsx(content, filename):
        return _read_xlsx(content)
    return _read_csv(content)


# A line and its end, split as `open(newline="")` splits them.
_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class _CsvLines:
    """The lines of a CSV for the csv reader (taken from the text one at a time: an
    io.StringIO of it would take four bytes a character), refusing a row (the lines read for
    it) longer than CSV_ROW_MAX_CHARS before it is split into cells."""

    def __init__(self, text: str):
        self.lines = (line.group() for line in _CSV_LINE.finditer(text))
        self.row_chars = 0
        self.row = 1

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.row_chars += len(line)
        if self.row_chars > CSV_ROW_MAX_CHARS:
            raise ImportFileError(
                ngettext(
                    "Ligne %(row)s illisible : elle dépasse %(limit)s caractère (un guillemet "
                    "n'est-il pas fermé ?).",
                    "Ligne %(row)s illisible : elle dépasse %(limit)s caractères (un guillemet "
                    "n'est-il pas fermé ?).",
                    CSV_ROW_MAX_CHARS,
                )
                % {"row": self.row, "limit": _number(CSV_ROW_MAX_CHARS)},
                row=self.row,
            )
        return line

    def next_row(self, number: int) -> None:
        self.row_chars, self.row = 0, number


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "Le fichier n'est pas encodé en UTF-8 (octet illisible ligne %(line)s). Dans "
                "Excel : Enregistrer sous → « CSV UTF-8 (délimité par des virgules) »."
            )
            % {"line": line},
            row=line,
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("Ce fichier n'est pas un fichier CSV ou XLSX lisible."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    csv.field_size_limit(CSV_FIELD_LIMIT)
    lines = _CsvLines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFileError(_("Le fichier est vide.")) from None
    except csv.Error as exc:
        raise ImportFileError(_("Ligne d'en-tête illisible : %(error)s") % {"error": exc}) from None
    if len(headers) > ROW_MAX_CELLS:
        raise _row_too_wide(row=1)

    def rows():
        number, data_rows = 1, 0
        limit = settings.IMPORT_MAX_ROWS
        while True:
            lines.next_row(number + 1)
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise ImportFileError(
                    ngettext(
                        "Ligne %(row)s illisible : une cellule dépasse %(limit)s caractère ou "
                        "un guillemet n'est pas fermé.",
                        "Ligne %(row)s illisible : une cellule dépasse %(limit)s caractères ou "
                        "un guillemet n'est pas fermé.",
                        CSV_FIELD_LIMIT,
                    )
                    % {"row": number + 1, "limit": f"{CSV_FIELD_LIMIT:,}".replace(",", " ")},
                    row=number + 1,
                ) from None
            number += 1
            if len(cells) > ROW_MAX_CELLS:
                raise _row_too_wide(row=number)
            if any(cell.strip() for cell in cells):
                data_rows += 1
                if data_rows > limit:
                    raise _too_many_rows()
                yield number, cells

    return Table(headers=headers, rows=rows())


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
        raise _not_a_workbook() from None
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
                    raise _too_many_rows()
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
            raise _not_a_workbook() from None

    return Table(headers=headers, rows=data_rows())
