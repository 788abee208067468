"""The limits a partner's file is measured against before anything of it is parsed (docs/api.md,
section 7), so that one small file cannot take a worker's memory or time; and the errors and
counts that reading a file shares with measuring it.

- its size as uploaded (`IMPORT_MAX_UPLOAD_BYTES`), checked on the declared size before the
  file is read, then while it is read in chunks (`read_limited`);
- for an XLSX, which is a zip, from its central directory alone: what its parts inflate to
  (`IMPORT_MAX_UNCOMPRESSED_BYTES`) and how much any sizeable part is compressed
  (`IMPORT_MAX_COMPRESSION_RATIO`, the zip-bomb check of Apache POI). The declared sizes are
  a true bound: Python's zipfile stops a part at its declared size and refuses it when the
  checksum then fails (`check_inflation`);
- the few parts parsed whole (the manifest, the workbook and its relationships, the styles),
  in bytes and in elements (reader.WHOLE_PARTS_MAX_BYTES and _ELEMENTS, checked where they
  are parsed);
- the first sheet, counted on its inflated stream without parsing it: its rows
  (`IMPORT_MAX_ROWS`), its cells in all (the rows the limit allows times the contract's
  columns, twice over) and in any one row (`ROW_MAX_CELLS`, Excel's own maximum); and the
  shared strings, of which a workbook needs at most one per cell (`measure_sheets`). Elements
  are counted whatever their namespace prefix (`<row>`, `<x:row>`). The sheet's
  `<dimension>` is not trusted: any writer may leave it out or get it wrong;
- a CSV's rows, and the width of each, while it is read (csvfile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance.importer.columns import COLUMNS

XLSX_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024
# Files are read and parts inflated this much at a time.
CHUNK_BYTES = MB
# A part smaller than this once inflated is harmless whatever its compression ratio.
RATIO_GRACE_BYTES = MB
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
# No element name is longer in a spreadsheet.
NAME_MAX_BYTES = 1024

_PREFIX = rb"(?:[^\s<>/=:!?\"']+:)?"
_NAME_SO_FAR = re.compile(rb"<[^\s<>/=!?\"']*")
# No part of a workbook declares a document type: entities are refused before expat expands
# them (it bounds their expansion too).
DOCTYPE = b"<!DOCTYPE"


class ImportFileError(Exception):
    """The file as a whole cannot be read (empty, wrong encoding, not a spreadsheet…)."""

    def __init__(self, message: str, *, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Shape:
    """What reading a file will cost, measured without parsing it."""

    rows: int  # data rows (an XLSX's counted up to a bound; a CSV's line breaks, at most)
    cells: int  # an XLSX's cells (counted up to a bound); a CSV's delimiters, at most
    strings: int  # an XLSX's shared strings (counted up to a bound)
    inflated_bytes: int  # the file's size, or an XLSX's parts once inflated


def grouped(value: int) -> str:
    """A count as the messages print it (thousands grouped)."""
    return number_format(value, force_grouping=True)


def is_xlsx(content: bytes, filename: str) -> bool:
    name = (filename or "").lower()
    return name.endswith((".xlsx", ".xlsm")) or content.startswith(XLSX_MAGIC)


def too_many_rows() -> ImportFileError:
    limit = settings.IMPORT_MAX_ROWS
    return ImportFileError(
        ngettext(
            "Le fichier compte plus de %(limit)s ligne : découpez-le en plusieurs fichiers de "
            "%(limit)s ligne au plus.",
            "Le fichier compte plus de %(limit)s lignes : découpez-le en plusieurs fichiers de "
            "%(limit)s lignes au plus.",
            limit,
        )
        % {"limit": grouped(limit)}
    )


def row_too_wide(row: int | None = None) -> ImportFileError:
    return ImportFileError(
        ngettext(
            "Une ligne du fichier compte plus de %(limit)s cellule, le maximum d'un tableur : "
            "ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
            "Une ligne du fichier compte plus de %(limit)s cellules, le maximum d'un tableur : "
            "ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
            ROW_MAX_CELLS,
        )
        % {"limit": grouped(ROW_MAX_CELLS)},
        row=row,
    )


def not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : ouvrez-le dans Excel ou "
            "LibreOffice et enregistrez-le au format .xlsx ou CSV UTF-8."
        )
    )


def too_many_elements() -> ImportFileError:
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
        % {"count": grouped(count)}
    )


def file_too_large() -> ImportFileError:
    return ImportFileError(
        _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
        % {"size": grouped(settings.IMPORT_MAX_UPLOAD_BYTES // MB)}
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
    rows = settings.IMPORT_MAX_ROWS if rows is None else rows
    return (rows + 1) * len(COLUMNS) * CELLS_PER_CONTRACT_COLUMN


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
                    raise not_a_workbook()  # a name longer than any: no spreadsheet's
                cut = len(buffer)
            if DOCTYPE in buffer:
                raise not_a_workbook()
            tally.add(pattern.findall(buffer, 0, cut), outer)
            tally.elements += elements(buffer, cut)
            if not chunk or enough(tally):
                return tally
            tail = buffer[cut:]


def elements(data: bytes, end: int | None = None) -> int:
    """Elements (start tags) in `data`[:end], counted in C: comments add to them."""
    return data.count(b"<", 0, end) - data.count(b"</", 0, end)


def check_inflation(archive) -> int:
    """What the parts of a zip inflate to, refused over the limits before any is inflated:
    in all, and for any sizeable part, compared with its compressed size."""
    parts = archive.infolist()
    inflated = sum(part.file_size for part in parts)
    if inflated > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _(
                "Une fois décompressé, ce classeur dépasse %(size)s Mo : découpez-le en "
                "plusieurs fichiers ou enregistrez-le en CSV."
            )
            % {"size": grouped(settings.IMPORT_MAX_UNCOMPRESSED_BYTES // MB)}
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
                % {"ratio": grouped(ratio)}
            )
    return inflated


def measure_sheets(
    archive, sheets: list[str], strings: str | None, rows_up_to: int | None, inflated: int
) -> Shape:
    """The first of the workbook's `sheets` and its shared `strings` part (None: none),
    counted against the limits without parsing them (ImportFileError if over one); the rows
    up to `rows_up_to` + 1 when given, else up to the row limit."""
    limit = settings.IMPORT_MAX_ROWS
    rows_bound = limit if rows_up_to is None else min(rows_up_to, limit)
    cells_bound, max_cells = cells_limit(rows_bound), cells_limit()
    max_elements = ELEMENTS_PER_CELL * max_cells
    # The header is a row too.
    sheet = _count(
        archive,
        sheets[0],
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
        raise too_many_elements()
    if sheet.widest > ROW_MAX_CELLS:
        raise row_too_wide()
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
            % {"cells": grouped(max_cells), "rows": grouped(limit)}
        )
    rows = max(sheet.outer - 1, 0)
    if rows_up_to is None and rows > limit:
        raise too_many_rows()
    counted = 0
    if strings is not None:
        counted = _count_strings(
            archive, sheets, strings, sheet.inner, refuse=rows_up_to is None, bound=cells_bound
        )
    return Shape(rows=rows, cells=sheet.inner, strings=counted, inflated_bytes=inflated)


def _count_strings(
    archive, sheets, strings: str, first_sheet_cells: int, *, refuse: bool, bound: int
) -> int:
    """The shared strings, counted up to `bound` + UNUSED_STRINGS_MARGIN (when `refuse` is
    False), else checked: a workbook needs at most one distinct text per cell, so a table of
    more shared strings than the workbook's sheets have cells (or than the contract's
    columns on the rows the limit allows) is no spreadsheet's, whatever memory it would
    take."""
    limit = settings.IMPORT_MAX_ROWS
    most = limit * len(COLUMNS)
    up_to = most if refuse else min(most, bound + UNUSED_STRINGS_MARGIN)
    max_elements = ELEMENTS_PER_CELL * cells_limit()
    counted = _count(
        archive,
        strings,
        b"si",
        enough=lambda t: t.outer > up_to or t.elements > max_elements,
    )
    if counted.elements > max_elements:
        raise too_many_elements()
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
            % {"count": grouped(most), "rows": grouped(limit)}
        )
    # The other sheets' cells may use strings too: counted only when the first's do not
    # account for them all.
    cells = first_sheet_cells + UNUSED_STRINGS_MARGIN
    for name in sheets[1:]:
        if counted.outer <= cells:
            break
        needed = counted.outer - cells
        cells += _count(archive, name, b"row", b"c", enough=lambda t, n=needed: t.inner > n).inner
    if counted.outer > cells:
        raise ImportFileError(
            _(
                "Ce classeur contient plus de textes différents que de cellules : il n'a "
                "pas été écrit par un tableur. Copiez les données dans un nouveau classeur "
                "ou enregistrez-le en CSV."
            )
        )
    return counted.outer
