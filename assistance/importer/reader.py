"""Reading a partner's file: CSV (UTF-8, comma or semicolon, BOM tolerated) or XLSX (first
sheet) into a header line and rows of text, each with the row number the user sees."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A cell longer than this stops the CSV reader; shorter ones over columns.MAX_CELL_CHARS are
# reported per row with the other errors.
CSV_FIELD_LIMIT = 1_000_000
XLSX_MAGIC = b"PK\x03\x04"


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


def read_table(content: bytes, filename: str) -> Table:
    if not content:
        raise ImportFileError(_("Le fichier est vide (0 octet)."))
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if name.endswith(".xls"):
        raise ImportFileError(
            _("Les fichiers .xls (Excel 97-2003) ne sont pas lus : enregistrez-le en .xlsx ou CSV.")
        )
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
        number = 1
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

    not_a_workbook = _(
        "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : ouvrez-le dans Excel ou "
        "LibreOffice et enregistrez-le au format .xlsx ou CSV UTF-8."
    )
    if not content.startswith(XLSX_MAGIC):
        raise ImportFileError(not_a_workbook)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError):
        raise ImportFileError(not_a_workbook) from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(not_a_workbook) from exc
    if header_cells is None:
        raise ImportFileError(_("La première feuille du classeur est vide."))
    headers = [_xlsx_text(cell) for cell in header_cells]

    def rows():
        for number, values in enumerate(iterator, start=2):
            cells = [_xlsx_text(value) for value in values]
            if any(cell.strip() for cell in cells):
                yield number, cells
        workbook.close()

    return Table(headers=headers, rows=rows())
