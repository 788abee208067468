"""Reading a partner's file: CSV (UTF-8, comma or semicolon, BOM tolerated) or XLSX (first
sheet) into a header line and rows of text, each with the row number the user sees.

A file is measured against the limits of settings (docs/api.md, section 7) before
anything of it is parsed, so that one small file cannot take a worker's memory or time:

- its size as uploaded (`IMPORT_MAX_UPLOAD_BYTES`), checked on the declared size before the
  file is read, then while it is read in chunks (`read_limited`);
- for an XLSX, which is a zip, from its central directory alone: what its parts inflate to
  (`IMPORT_MAX_UNCOMPRESSED_BYTES`) and how much any sizeable part is compressed
  (`IMPORT_MAX_COMPRESSION_RATIO`, the zip-bomb check of Apache POI); the parts openpyxl
  parses whole into memory (styles, theme, relationships… not the worksheets it streams)
  get a tighter bound. The declared sizes are a true bound: Python's zipfile stops a part at
  its declared size and refuses it when the checksum then fails;
- its rows (`IMPORT_MAX_ROWS`): an XLSX's first sheet is counted on the inflated stream
  (its `<row>` elements, without parsing them) and its shared strings likewise (a sheet of
  so many rows and the contract's columns cannot use more); a CSV's while it is read. The
  sheet's `<dimension>` is not trusted: any writer may leave it out or get it wrong.

Reading then stays within what was measured: the first sheet is read row by row, no further
than the row limit and no wider than its header.
"""

from __future__ import annotations

import csv
import datetime
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A cell longer than this stops the CSV reader; shorter ones over columns.MAX_CELL_CHARS are
# reported per row with the other errors.
CSV_FIELD_LIMIT = 1_000_000
XLSX_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024
# Files are read and parts inflated this much at a time.
CHUNK_BYTES = MB
# A part smaller than this once inflated is harmless whatever its compression ratio.
RATIO_GRACE_BYTES = MB
# What openpyxl parses whole into memory (every XML part but the worksheets, which it
# streams, and the shared strings, counted): a few hundred kilobytes in real workbooks.
WHOLE_PARTS_MAX_BYTES = 20 * MB
# The parts openpyxl streams or never opens in read-only mode (worksheets, shared strings,
# pivot tables and caches, comments, external links: keep_links=False), and media.
_STREAMED_OR_UNREAD = re.compile(
    r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml|pivotCache/|pivotTables/|comments|"
    r"externalLinks/|media/|printerSettings/)",
    re.IGNORECASE,
)
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_WORKBOOK_TYPES = tuple(
    f"application/vnd.ms-excel.{kind}.main+xml"
    for kind in ("sheet.macroEnabled", "template.macroEnabled")
) + tuple(
    f"application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}.main+xml"
    for kind in ("sheet", "template")
)


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


def _not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : ouvrez-le dans Excel ou "
            "LibreOffice et enregistrez-le au format .xlsx ou CSV UTF-8."
        )
    )


def check_size(size: int) -> None:
    """Refuse a file larger than the upload limit (`size` as declared, before reading it)."""
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
            % {"size": _number(settings.IMPORT_MAX_UPLOAD_BYTES // MB)}
        )


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


def measure(content: bytes, filename: str, *, rows_up_to: int | None = None) -> Shape:
    """Check `content` against the limits without parsing it (ImportFileError if over one).

    An XLSX's rows are counted up to `rows_up_to` + 1 when given (a caller that only needs to
    know whether a file is small), else up to the row limit, above which it is refused. A
    CSV's rows are counted while it is read (a quoted cell may hold line breaks): here only
    its line breaks, as an upper bound.
    """
    check_size(len(content))
    if not _is_xlsx(content, filename):
        return Shape(rows=content.count(b"\n"), inflated_bytes=len(content))
    if not content.startswith(XLSX_MAGIC):
        raise _not_a_workbook()
    try:
        return _measure_xlsx(content, rows_up_to)
    except ImportFileError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        KeyError,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        ElementTree.ParseError,
    ):
        # Damaged, encrypted or not a workbook at all: openpyxl could not read it either.
        raise _not_a_workbook() from None


def _measure_xlsx(content: bytes, rows_up_to: int | None) -> Shape:
    limit = settings.IMPORT_MAX_ROWS
    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = archive.infolist()
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
                    "Ce classeur est anormalement compressé (une partie se décompresse plus de "
                    "%(ratio)s fois) : il est refusé par sécurité. Ouvrez-le dans Excel ou "
                    "LibreOffice et enregistrez-le à nouveau, ou en CSV.",
                    "Ce classeur est anormalement compressé (une partie se décompresse plus de "
                    "%(ratio)s fois) : il est refusé par sécurité. Ouvrez-le dans Excel ou "
                    "LibreOffice et enregistrez-le à nouveau, ou en CSV.",
                    ratio,
                )
                % {"ratio": _number(ratio)}
            )
    whole = sum(
        part.file_size
        for part in parts
        if _XML_PART.search(part.filename) and not _STREAMED_OR_UNREAD.match(part.filename)
    )
    if whole > WHOLE_PARTS_MAX_BYTES:
        raise ImportFileError(
            _(
                "Les styles et autres parties de ce classeur dépassent %(size)s Mo une fois "
                "décompressés : copiez les données dans un nouveau classeur ou enregistrez-le "
                "en CSV."
            )
            % {"size": _number(WHOLE_PARTS_MAX_BYTES // MB)}
        )
    names = {part.filename for part in parts}
    strings_limit = limit * len(_contract_columns())
    for name in names:
        if name.lower() == "xl/sharedstrings.xml":
            if _count_elements(archive, name, "sst", "si", strings_limit) > strings_limit:
                raise ImportFileError(
                    ngettext(
                        "Ce classeur contient plus de %(count)s texte différent, plus qu'une "
                        "feuille au nombre de lignes permis (%(rows)s) ne peut en utiliser : "
                        "copiez les données dans un nouveau classeur ou enregistrez-le en CSV.",
                        "Ce classeur contient plus de %(count)s textes différents, plus qu'une "
                        "feuille au nombre de lignes permis (%(rows)s) ne peut en utiliser : "
                        "copiez les données dans un nouveau classeur ou enregistrez-le en CSV.",
                        strings_limit,
                    )
                    % {"count": _number(strings_limit), "rows": _number(limit)}
                )
    bound = limit if rows_up_to is None else min(rows_up_to, limit)
    first = _first_sheet(archive, names)
    sheets = [first] if first else sorted(n for n in names if _is_worksheet(n))
    # The header is a row too; a sheet openpyxl would not find is its concern, not ours.
    rows = max(
        (
            max(_count_elements(archive, name, "worksheet", "row", bound + 1) - 1, 0)
            for name in sheets
        ),
        default=0,
    )
    if rows_up_to is None and rows > limit:
        raise _too_many_rows()
    return Shape(rows=rows, inflated_bytes=inflated)


def _contract_columns() -> tuple[str, ...]:
    from assistance.importer.columns import COLUMNS

    return COLUMNS


def _is_worksheet(name: str) -> bool:
    return bool(re.match(r"^xl/worksheets/[^/]+\.xml$", name, re.IGNORECASE))


def _count_elements(archive, name: str, root: str, tag: str, up_to: int) -> int:
    """How many `<tag>` elements part `name` holds, counted on its inflated bytes a chunk at a
    time without parsing them; stops once above `up_to`."""
    with archive.open(name) as stream:
        chunk = stream.read(CHUNK_BYTES)
        # The root element says whether the part's elements carry a prefix (`<x:row>`).
        found = re.search(rb"<([A-Za-z_][\w.\-]*:)?" + root.encode() + rb"[\s>]", chunk)
        name_bytes = ((found.group(1) or b"") if found else b"") + tag.encode()
        pattern = re.compile(b"<" + re.escape(name_bytes) + rb"[\s/>]")
        # A match is len(name_bytes) + 2 bytes long: keeping one byte less between chunks
        # finds a match cut in two without counting any match twice.
        keep = len(name_bytes) + 1
        count, tail = 0, b""
        while chunk:
            buffer = tail + chunk
            count += len(pattern.findall(buffer))
            if count > up_to:
                break
            tail = buffer[-keep:]
            chunk = stream.read(CHUNK_BYTES)
    return count


def _first_sheet(archive, names: set[str]) -> str | None:
    """The part openpyxl reads as the first worksheet: the first `<sheet>` of the workbook
    part whose relationship is a worksheet. None when this cannot be told (then every
    worksheet is counted).

    These parts are small and their size was bounded above (WHOLE_PARTS_MAX_BYTES); expat
    refuses entity-expansion attacks, and openpyxl parses the same parts the same way.
    """
    workbook = "xl/workbook.xml"
    if "[Content_Types].xml" in names:
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))  # noqa: S314
        for override in types.iter(_CONTENT_OVERRIDE):
            if override.get("ContentType") in _WORKBOOK_TYPES:
                workbook = override.get("PartName", "").lstrip("/")
                break
    folder, base = posixpath.split(workbook)
    relations_part = posixpath.join(folder, "_rels", f"{base}.rels")
    if workbook not in names or relations_part not in names:
        return None
    sheets = ElementTree.fromstring(archive.read(workbook))  # noqa: S314
    relations = ElementTree.fromstring(archive.read(relations_part))  # noqa: S314
    targets = {rel.get("Id"): rel for rel in relations.iter(_PACKAGE_REL)}
    for sheet in sheets.iter(f"{_MAIN_NS}sheet"):
        rel = targets.get(sheet.get(_REL_ID))
        if rel is None or not rel.get("Type", "").endswith("/worksheet"):
            continue
        target = rel.get("Target", "")
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        if path in names:
            return path
    return None


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFileError(_("Le fichier est vide.")) from None
    except csv.Error as exc:
        raise ImportFileError(_("Ligne d'en-tête illisible : %(error)s") % {"error": exc}) from None

    def rows():
        number, data_rows = 1, 0
        limit = settings.IMPORT_MAX_ROWS
        while True:
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
    from openpyxl import load_workbook

    limit = settings.IMPORT_MAX_ROWS
    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
        sheet = workbook.worksheets[0]
        header_cells = next(sheet.iter_rows(max_row=1, values_only=True), None)
        if header_cells is not None:
            header_cells = list(header_cells)
            while header_cells and header_cells[-1] in (None, ""):
                header_cells.pop()
            # No further than the row limit (openpyxl fills the gaps before a row numbered
            # a billion) and no wider than the header (nor than a <dimension> claims).
            iterator = sheet.iter_rows(
                min_row=2, max_row=limit + 2, max_col=max(len(header_cells), 1), values_only=True
            )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError):
        raise _not_a_workbook() from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _not_a_workbook() from exc
    if header_cells is None:
        raise ImportFileError(_("La première feuille du classeur est vide."))
    headers = [_xlsx_text(cell) for cell in header_cells]

    def rows():
        for number, values in enumerate(iterator, start=2):
            if number > limit + 1:
                raise _too_many_rows()
            cells = [_xlsx_text(value) for value in values]
            if any(cell.strip() for cell in cells):
                yield number, cells
        workbook.close()

    return Table(headers=headers, rows=rows())
