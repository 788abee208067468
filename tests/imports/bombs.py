"""Crafted workbooks for the import's limits, written with zipfile as an attacker would: small
on disk and huge once inflated, too many rows, too many shared strings, a row numbered a
billion, a central directory that lies, a row of a million cells, elements behind a namespace
prefix declared after a megabyte of comment, elements no reader knows. Each is the smallest
valid XLSX openpyxl reads (the workbook, its relationships and one sheet), so whatever the
limits let through is read.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Iterable

HEADER = ("beneficiary_ref", "sex", "category", "delivered_on")
GOOD_ROW = ("B-1", "F", "medical", "2024-02-10")

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Assistances" sheetId="1" r:id="rId1"/>%s</sheets></workbook>'
)
_SECOND_SHEET = b'<sheet name="Listes" sheetId="2" r:id="rId3"/>'

_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b'<Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    b'<Relationship Id="rId3" Target="worksheets/sheet2.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)


def _declaration(prefix: str) -> bytes:
    """The main namespace, as the default one or bound to `prefix` (`x:`)."""
    name = b"xmlns:" + prefix.rstrip(":").encode() if prefix else b"xmlns"
    return name + b'="' + _MAIN + b'"'


def row(values: Iterable[str], number: int | None = None, prefix: str = "") -> bytes:
    """One `<row>` of inline-string cells (numbered `number` when given), its elements
    written with namespace `prefix` (`x:`) when given."""
    p = prefix.encode()
    cells = b"".join(
        b'<%sc t="inlineStr"><%sis><%st>%s</%st></%sis></%sc>' % (p, p, p, value.encode(), p, p, p)
        for value in values
    )
    attribute = b' r="%d"' % number if number is not None else b""
    return b"<" + p + b"row" + attribute + b">" + cells + b"</" + p + b"row>"


def wide_row(cells: int) -> bytes:
    """One `<row>` of `cells` cells holding 0 or 1 at random: a million take about 200 KB
    (the reviewer's was 175 KB), compressed less than 100 times."""
    digits = bin(random.Random(cells).getrandbits(cells) | 1 << cells)[3:]
    return b"<row>" + b"".join(b"<c><v>%s</v></c>" % digit.encode() for digit in digits) + b"</row>"


def nested(depth: int) -> bytes:
    """Elements `<a>` and `<b>` at random, each in the one before, `depth` deep: a few bits a
    level, so compressed less than 100 times."""
    tags = bin(random.Random(depth).getrandbits(depth) | 1 << depth)[3:].replace("0", "a")
    tags = tags.replace("1", "b").encode()
    opening = b"".join(b"<%c>" % tag for tag in tags)
    return opening + b"".join(b"</%c>" % tag for tag in reversed(tags))


def comment(size: int) -> bytes:
    """An XML comment of `size` random "0" and "1": compressed about 7 times, so a comment of
    a megabyte keeps a workbook under 200 KB."""
    bits = random.Random(size).getrandbits(size) | 1 << (size - 1)
    return b"<!--" + bin(bits)[2:].encode() + b"-->"


def _sheet(archive, name: str, header, rows: Iterable[bytes], prefix: str, preamble: bytes):
    p = prefix.encode()
    with archive.open(name, "w", force_zip64=True) as sheet:
        sheet.write(
            b'<?xml version="1.0" encoding="UTF-8"?>%s<%sworksheet %s><%ssheetData>'
            % (preamble, p, _declaration(prefix), p)
        )
        sheet.write(row(header, prefix=prefix) if header is not None else b"")
        pending = []
        for line in rows:
            pending.append(line)
            if len(pending) == 4096:
                sheet.write(b"".join(pending))
                pending.clear()
        sheet.write(b"".join(pending) + b"</%ssheetData></%sworksheet>" % (p, p))


def workbook(
    rows: Iterable[bytes] = (),
    *,
    header: Iterable[str] | None = HEADER,
    shared_strings: Iterable[bytes] | None = None,
    extra_parts: dict[str, bytes] | None = None,
    level: int = 9,
    prefix: str = "",
    preamble: bytes = b"",
    strings_preamble: bytes = b"",
    second_sheet: Iterable[bytes] | None = None,
) -> bytes:
    """An XLSX whose first sheet has `header` then `rows` (streamed into the zip, so a sheet
    of hundreds of megabytes never sits in memory), with shared strings `<si>` items and
    `extra_parts` when given. The sheet and the shared strings are written with namespace
    `prefix` (`x:`, for `<x:row>`), and with `preamble` and `strings_preamble` (comments)
    before their root elements, when given; `second_sheet` adds a second sheet of those
    rows."""
    buffer = io.BytesIO()
    p = prefix.encode()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml", _WORKBOOK % (_SECOND_SHEET if second_sheet is not None else b"")
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        _sheet(archive, "xl/worksheets/sheet1.xml", header, rows, prefix, preamble)
        if second_sheet is not None:
            _sheet(archive, "xl/worksheets/sheet2.xml", None, second_sheet, "", b"")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<?xml version="1.0" encoding="UTF-8"?>%s<%ssst %s>'
                % (strings_preamble, p, _declaration(prefix))
            )
            for item in shared_strings or ():
                strings.write(item)
            strings.write(b"</%ssst>" % p)
        for name, content in (extra_parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def rows_bomb(count: int) -> bytes:
    """`count` identical good rows: the issue's 244 KB file inflating to 66 MB at 390,000."""
    line = row(GOOD_ROW)
    return workbook(line for _ in range(count))


def inflated_bomb(megabytes: int) -> bytes:
    """A sheet that inflates to `megabytes` MB of rows from a file about a hundred times
    smaller (fast compression, as a careless attacker would): the issue's 1.9 MB file
    inflating to 492 MB."""
    line = row(GOOD_ROW)
    count = megabytes * 1024 * 1024 // len(line)
    return workbook((line for _ in range(count)), level=1)


def varied_rows(count: int, start: int = 0) -> Iterable[bytes]:
    """`count` good rows that differ (distinct references): compressed as real data is."""
    for index in range(start, start + count):
        yield row((f"B-{index:07d}", "F", "medical", "2024-02-10"))


def declare_size(content: bytes, name: str, size: int) -> bytes:
    """The same zip, with part `name` declaring in the central directory (what zipfile, and
    so openpyxl, goes by) that it inflates to `size` bytes, whatever it really inflates to."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = bytearray(content)
    encoded = name.encode()
    # Each entry: signature, …, uncompressed size at offset 24, name length at 28, name at 46.
    position = data.find(b"PK\x01\x02", archive.start_dir)
    while position != -1:
        (length,) = struct.unpack_from("<H", data, position + 28)
        if bytes(data[position + 46 : position + 46 + length]) == encoded:
            struct.pack_into("<I", data, position + 24, size)
            break
        position = data.find(b"PK\x01\x02", position + 46)
    return bytes(data)


def largest_accepted(rows: int, *, columns: Iterable[str], project: str = "") -> bytes:
    """The largest workbook the limits accept for a row limit of `rows`: that many good rows,
    each of the contract's `columns` and as many more of the partner's own (twice the
    contract's cells: the cell limit), twenty distinct shared strings a row (a hundred
    thousand rows come to two million, under the table's limit of 2.1 million), every cell a
    shared string or a number. Rows are good for `project` (or the import's default one)."""
    columns = list(columns)
    own = [f"colonne {n}" for n in range(len(columns))]
    strings: dict[str, int] = {}

    def shared(text: str) -> bytes:
        index = strings.setdefault(text, len(strings))
        return b'<c t="s"><v>%d</v></c>' % index

    def number(value: int) -> bytes:
        return b"<c><v>%d</v></c>" % value

    header = b"<row>" + b"".join(shared(name) for name in columns + own) + b"</row>"
    fixed = {
        "sex": "F",
        "date_of_birth": "1990-03-04",
        "nationality": "CI",
        "migrant": "yes",
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": "2024-02-10",
        "status": "delivered",
        "project": project,
        "country": "MA",
    }

    def lines():
        for n in range(rows):
            distinct = {
                "beneficiary_ref": f"W-{n:07d}",
                "first_name": f"Prénom {n}",
                "last_name": f"Nom {n}",
                "assistance_ref": f"WA-{n:07d}",
                "notes": f"Note {n}",
            }
            cells = []
            for name in columns:
                if name in distinct:
                    cells.append(shared(distinct[name]))
                elif fixed.get(name):
                    cells.append(shared(fixed[name]))
                elif name in ("quantity", "value_mad"):
                    cells.append(number(1 + n % 500))
                else:
                    cells.append(b"<c/>")
            cells += [shared(f"{n}-{k}") for k in range(15)]  # 15 own columns of text
            cells += [number(n * 7 + k) for k in range(len(own) - 15)]  # and numbers
            yield b"<row>" + b"".join(cells) + b"</row>"

    sheet = list(lines())  # every string seen before the table is written
    items = (b"<si><t>%s</t></si>" % text.encode() for text in strings)
    return workbook([header, *sheet], header=None, shared_strings=items)
