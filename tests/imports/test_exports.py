"""Exports in the import's columns: a file round-trips, formulas are neutralised."""

import csv
import datetime
import io

from openpyxl import load_workbook

from assistance.importer import columns, exports
from assistance.importer.engine import run_import
from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from partners.access import SYSTEM
from tests.imports.conftest import csv_bytes
from tests.partners.factories import city

FULL_ROWS = [
    # ref, first, last, sex, dob, year, nat, city, migrant, vulns, aref, cat, sub, date,
    # status, project, country, quantity, value, outcome, notes
    [
        "B-1",
        "Aminata",
        "Koné",
        "F",
        "1990-03-04",
        "",
        "CI",
        "oujda",
        "yes",
        "gbv;disability",
        "A-1",
        "medical",
        "referral_public_health",
        "2024-02-10",
        "delivered",
        "JPN-PROT",
        "",
        "1",
        "150.5",
        "service_received",
        '=HYPERLINK("http://x")',
    ],
    [
        "B-1",
        "Aminata",
        "Koné",
        "F",
        "1990-03-04",
        "",
        "CI",
        "oujda",
        "yes",
        "gbv;disability",
        "",
        "food",
        "meal",
        "2024-02-11",
        "planned",
        "JPN-PROT",
        "",
        "2",
        "",
        "",
        "-2 repas",
    ],
    [
        "B-2",
        "",
        "Diallo",
        "M",
        "",
        "2010",
        "GN",
        "",
        "no",
        "",
        "A-3",
        "avrr",
        "return_from_morocco",
        "2024-03-01",
        "delivered",
        "",
        "GN",
        "1",
        "",
        "",
        "@retour",
    ],
]


def _facts():
    people = sorted(
        Beneficiary.objects.values_list(
            "beneficiary_ref",
            "first_name",
            "last_name",
            "sex",
            "date_of_birth",
            "birth_year",
            "nationality",
            "city__code",
            "is_migrant",
            "vulnerabilities",
        )
    )
    services = sorted(
        Assistance.objects.values_list(
            "beneficiary__beneficiary_ref",
            "assistance_ref",
            "category",
            "subtype",
            "delivered_on",
            "status",
            "project__code",
            "country",
            "quantity",
            "value_mad",
            "outcome",
            "notes",
            "city__code",
        ),
        key=str,
    )
    return people, services


def _import(content, organisation, filename="f.csv"):
    report = run_import(
        content=content, filename=filename, organisation=organisation, acting_user=SYSTEM
    )
    assert report.ok, report.errors
    return report


def _wipe():
    # The audit trail is append-only (and keeps no link that would block a re-import).
    Assistance.objects.all().delete()
    Beneficiary.objects.all().delete()


def test_csv_export_round_trips(partner_a, project, alice):
    _import(csv_bytes(FULL_ROWS, header=list(columns.COLUMNS)), partner_a)
    before = _facts()
    exported = b"".join(exports.to_csv(columns.COLUMNS, exports.assistance_rows(alice, partner_a)))
    _wipe()
    _import(exported, partner_a)
    assert _facts() == before
    assert datetime.date(2024, 2, 10) in [service[4] for service in before[1]]
    assert Assistance.objects.get(assistance_ref="A-1").notes == '=HYPERLINK("http://x")'


def test_xlsx_export_round_trips_to_the_same_bilan(partner_a, project, alice):
    from reporting.engine import bilan
    from reporting.periods import Period

    _import(csv_bytes(FULL_ROWS, header=list(columns.COLUMNS)), partner_a)
    before = _facts()
    period = Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    figures = bilan(project, period)["indicators"]
    assert figures["assistances_delivered"]["total"] == 1
    exported = exports.to_xlsx(
        columns.COLUMNS, exports.assistance_rows(alice, partner_a), title="assistances"
    )
    _wipe()
    _import(exported, partner_a, filename="export.xlsx")
    assert _facts() == before
    assert bilan(project, period)["indicators"] == figures


def test_formula_injection_is_neutralised(partner_a, project, alice):
    _import(csv_bytes(FULL_ROWS, header=list(columns.COLUMNS)), partner_a)
    text = b"".join(
        exports.to_csv(columns.COLUMNS, exports.assistance_rows(alice, partner_a))
    ).decode("utf-8-sig")
    notes = [r["notes"] for r in csv.DictReader(io.StringIO(text))]
    assert sorted(notes) == sorted(['\'=HYPERLINK("http://x")', "'-2 repas", "'@retour"])
    workbook = load_workbook(
        io.BytesIO(exports.to_xlsx(columns.COLUMNS, exports.assistance_rows(alice, partner_a), "a"))
    )
    cells = [c.value for r in workbook.active.iter_rows() for c in r if c.value]
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in cells)


def test_exports_hold_only_the_organisations_own_records(partner_a, partner_b, project, alice):
    _import(csv_bytes(FULL_ROWS, header=list(columns.COLUMNS)), partner_a)
    refs = [r[0] for r in exports.beneficiary_rows(alice, partner_a)]
    assert refs == ["B-1", "B-2"]
    assert list(exports.assistance_rows(alice, partner_b)) == []
    assert city("oujda").code in [r[7] for r in exports.beneficiary_rows(alice, partner_a)]
