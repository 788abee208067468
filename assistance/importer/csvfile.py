"""Reading a CSV file (UTF-8, comma or semicolon, BOM tolerated) into its header and rows of
text, each row with the number the user sees, within the limits as it is read: rows in all,
cells in a row, characters in a row."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance.importer.limits import (
    ROW_MAX_CELLS,
    ImportFileError,
    grouped,
    row_too_wide,
    too_many_rows,
)

# A cell longer than this stops the CSV reader; shorter ones over columns.MAX_CELL_CHARS are
# reported per row with the other errors.
CSV_FIELD_LIMIT = 1_000_000
# A CSV row (its lines, when a quoted cell holds line breaks) longer than this is refused
# before the CSV reader splits it into cells: an unclosed quote, or no spreadsheet's row.
CSV_ROW_MAX_CHARS = 2 * CSV_FIELD_LIMIT

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
                % {"row": self.row, "limit": grouped(CSV_ROW_MAX_CHARS)},
                row=self.row,
            )
        return line

    def next_row(self, number: int) -> None:
        self.row_chars, self.row = 0, number


def read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and the rows that are not empty as (number, cells), read as they are
    iterated."""
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
        raise row_too_wide(row=1)

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
                raise row_too_wide(row=number)
            if any(cell.strip() for cell in cells):
                data_rows += 1
                if data_rows > limit:
                    raise too_many_rows()
                yield number, cells

    return headers, rows()
