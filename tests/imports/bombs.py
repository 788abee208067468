"""Crafted workbooks for the import's limits, written with zipfile as an attacker would: small
on disk and huge once inflated, too many rows, too many shared strings, a row numbered a
billion, a central directory that lies. Each is the smallest valid XLSX openpyxl reads (the
workbook, its relationships and one sheet), so whatever the limits let through is read.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable

HEADER = ("beneficiary_ref", "sex", "category", "delivered_on")
GOOD_ROW = ("B-1", "F", "medical", "2024-02-10")

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
    b'<sheets><sheet name="Assistances" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b'<Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_SHEET_END = b"</sheetData></worksheet>"


def row(values: Iterable[str], number: int | None = None) -> bytes:
    """One `<row>` of inline-string cells (numbered `number` when given)."""
    cells = b"".join(
        b'<c t="inlineStr"><is><t>' + value.encode() + b"</t></is></c>" for value in values
    )
    attribute = b' r="%d"' % number if number is not None else b""
    return b"<row" + attribute + b">" + cells + b"</row>"


def workbook(
    rows: Iterable[bytes] = (),
    *,
    header: Iterable[str] = HEADER,
    shared_strings: Iterable[bytes] | None = None,
    extra_parts: dict[str, bytes] | None = None,
    level: int = 9,
) -> bytes:
    """An XLSX whose first sheet has `header` then `rows` (streamed into the zip, so a sheet
    of hundreds of megabytes never sits in memory), with shared strings `<si>` items and
    `extra_parts` when given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START + row(header))
            pending = []
            for line in rows:
                pending.append(line)
                if len(pending) == 4096:
                    sheet.write(b"".join(pending))
                    pending.clear()
            sheet.write(b"".join(pending) + _SHEET_END)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for item in shared_strings or ():
                strings.write(item)
            strings.write(b"</sst>")
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
