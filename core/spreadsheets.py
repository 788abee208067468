"""The spreadsheet formula guard: one rule for every file the application writes (the
reporting exports, the importer's exports and template, the bilan XLSX).

A spreadsheet runs a cell that starts with =, +, - or @ as a formula (and some read a tab or
a carriage return before one the same way), so text from a user could run a formula on the
reader's machine (`=HYPERLINK(…)`, "CSV injection"). Such a cell gets a leading quote: every
spreadsheet shows it as text, and the importer takes the quote off again (`unneutralise`), so
an exported file imports back to the same text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from core.text import plain_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value`, made inert for a spreadsheet if it is text: no invisible control or bidi
    character (core.text.plain_text: line breaks and tabs kept, spaces not trimmed), and a
    quote before what looks like a formula. Anything else (a number, None) as it is."""
    if isinstance(value, str):
        value = plain_text(value, multiline=True, strip=False)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def unneutralise(value: str) -> str:
    """The reverse of `neutralise`'s quote, for a cell read back from a file we wrote."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_lines(
    header: Iterable, rows: Iterable[Iterable], *, cell: Callable = neutralise
) -> Iterator[bytes]:
    """A CSV file, streamed line by line (UTF-8 with a BOM, so Excel opens accents right),
    each cell through `cell` (the formula guard by default)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells):
        writer.writerow([cell(value) for value in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text.encode("utf-8")

    yield "\ufeff".encode()
    yield line(header)
    for row in rows:
        yield line(row)
