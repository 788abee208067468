"""Exports of an organisation's own people and assistances, in the import's columns, so a file
round-trips (export → import gives the same people and assistances).

Text cells that a spreadsheet would run as a formula (= + - @) are prefixed with a quote; the
importer removes that quote again.

The template files are the same columns with one example row, to show the forms values take;
its references are reserved (`columns.EXAMPLE_PREFIX`): the import refuses it until it is
replaced, so it never counts as a delivery.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assistance.importer import columns as col
from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from core.spreadsheets import csv_lines
from core.text import plain_text

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEMPLATE_NAME = "modele-import-assistances"


# How each of the contract's person columns is written (its reader's forms, read back alike).
_PERSON_CELLS = {
    "beneficiary_ref": lambda p: p.beneficiary_ref,
    "first_name": lambda p: p.first_name,
    "last_name": lambda p: p.last_name,
    "sex": lambda p: p.sex,
    "date_of_birth": lambda p: p.date_of_birth.isoformat() if p.date_of_birth else "",
    "birth_year": lambda p: str(p.birth_year or ""),
    "nationality": lambda p: p.nationality,
    "city": lambda p: p.city.code if p.city_id else "",
    "migrant": lambda p: col.write_boolean(p.is_migrant),
    "vulnerabilities": lambda p: ";".join(p.vulnerabilities or []),
}


def _person_cells(person: Beneficiary) -> list[str]:
    return [_PERSON_CELLS[column](person) for column in col.PERSON_COLUMNS]


def beneficiary_rows(user, organisation):
    """The organisation's own people (scoped by `visible_to`), one row each."""
    people = (
        Beneficiary.objects.visible_to(user)
        .filter(organisation=organisation, merged_into__isnull=True)
        .select_related("city")
        .order_by("beneficiary_ref")
    )
    for person in people.iterator(chunk_size=2000):
        yield _person_cells(person)


def assistance_rows(user, organisation):
    """The assistances the organisation provided (scoped by `visible_to`), one row each with
    the person's columns repeated: exactly the import's shape."""
    assistances = (
        Assistance.objects.visible_to(user)
        .filter(provider=organisation)
        .select_related("beneficiary", "beneficiary__city", "project")
        .order_by("beneficiary__beneficiary_ref", "delivered_on", "id")
    )
    for a in assistances.iterator(chunk_size=2000):
        yield _person_cells(a.beneficiary) + [
            a.assistance_ref,
            a.category,
            a.subtype,
            a.delivered_on.isoformat(),
            a.status,
            a.project.code if a.project_id else "",
            a.country,
            col.write_decimal(a.quantity),
            col.write_decimal(a.value_mad),
            a.outcome,
            a.notes,
        ]


def _cell(value) -> str:
    """A cell of a file we write: no invisible control or bidi character (core.text), and
    nothing a spreadsheet would run as a formula."""
    return col.neutralise(plain_text(str(value), multiline=True, strip=False))


def to_csv(header, rows):
    """CSV (UTF-8 with BOM, so Excel opens accents right), streamed line by line."""
    return csv_lines(header, rows, cell=_cell)


def to_xlsx(header, rows, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        # Every cell as text: codes like "01" and refs keep their exact form.
        sheet.append([_cell(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_rows() -> list[list[str]]:
    """One example row in the contract's columns (`columns.COLUMNS`), in the forms a partner
    writes (no project: the import's default one applies; delivered today, inside any
    running project). Its references are reserved: the import refuses the row, with a message
    saying to delete it, so a partner who adds rows below it does not import a fictitious
    person."""
    example = {
        "beneficiary_ref": f"{col.EXAMPLE_PREFIX}0001",
        "first_name": "Aminata",
        "last_name": _("Exemple"),
        "sex": "F",
        "date_of_birth": "1994-05-12",
        "birth_year": "",
        "nationality": "CI",
        "city": "oujda",
        "migrant": "yes",
        "vulnerabilities": "single_parent",
        "assistance_ref": f"{col.EXAMPLE_PREFIX}A-0001",
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": timezone.localdate().isoformat(),
        "status": "delivered",
        "project": "",
        "country": "MA",
        "quantity": "1",
        "value_mad": "150",
        "outcome": "",
        "notes": _("Ligne d'exemple : supprimez-la et écrivez vos données à sa place."),
    }
    return [[example[name] for name in col.COLUMNS]]


def template_file(fmt: str) -> bytes:
    """The template (the contract's headers and the example row) as CSV or XLSX."""
    if fmt == "csv":
        return b"".join(to_csv(col.COLUMNS, template_rows()))
    return to_xlsx(col.COLUMNS, template_rows(), title="assistances")
