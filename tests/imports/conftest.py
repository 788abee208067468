"""Helpers of the import tests: files written the way partners write them."""

import csv
import io

import pytest
from openpyxl import Workbook

HEADER = [
    "beneficiary_ref",
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "nationality",
    "category",
    "subtype",
    "delivered_on",
    "assistance_ref",
]


def csv_bytes(rows, header=HEADER, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(ref="B-1", aref="A-1", **overrides):
    values = {
        "beneficiary_ref": ref,
        "first_name": "Aminata",
        "last_name": "Koné",
        "sex": "F",
        "date_of_birth": "1990-03-04",
        "nationality": "CI",
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": "2024-02-10",
        "assistance_ref": aref,
    }
    values.update(overrides)
    return [values[name] for name in HEADER]


@pytest.fixture
def do_import(partner_a, project):
    """Run the engine on `content` for partner A as the command-line operator."""
    from assistance.importer.engine import run_import
    from partners.access import SYSTEM

    def run(content, filename="file.csv", dry_run=False, acting_user=SYSTEM, **kwargs):
        return run_import(
            content=content,
            filename=filename,
            organisation=kwargs.pop("organisation", partner_a),
            acting_user=acting_user,
            project=kwargs.pop("project", project),
            dry_run=dry_run,
        )

    return run
