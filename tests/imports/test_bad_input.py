"""Bad files: each gives a clear report (row as seen in the spreadsheet, column, value,
reason) and writes nothing at all."""

import datetime

import pytest
from django.utils import timezone

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from core.models import AuditEntry
from tests.imports.conftest import HEADER, csv_bytes, row, xlsx_bytes


@pytest.fixture
def refused(do_import):
    """Import `content`; assert it was refused with nothing written; return the errors."""

    def run(content, filename="file.csv"):
        report = do_import(content, filename=filename)
        assert not report.ok
        assert not report.written
        assert Beneficiary.objects.count() == 0
        assert Assistance.objects.count() == 0
        assert AuditEntry.objects.count() == 0
        return [(e.row, e.column, e.message) for e in report.errors]

    return run


def test_wrong_encoding(refused):
    content = csv_bytes([row(last_name="Bénédicte")], encoding="latin-1")
    [(line, _column, message)] = refused(content)
    assert line == 2
    assert "UTF-8" in message


def test_missing_required_header(refused):
    header = [h for h in HEADER if h != "category"]
    content = csv_bytes([row()[: len(header)]], header=header)
    [(line, column, message)] = refused(content)
    assert (line, column) == (1, "category")
    assert "obligatoire" in message


def test_unknown_category_and_subtype(refused):
    errors = refused(csv_bytes([row(category="magic"), row(aref="A-2", subtype="teleportation")]))
    assert (2, "category") in {(r, c) for r, c, _m in errors}
    assert (3, "subtype") in {(r, c) for r, c, _m in errors}


def test_subtype_of_another_category(refused):
    [(line, column, message)] = refused(csv_bytes([row(subtype="food_voucher")]))
    assert (line, column) == (2, "subtype")
    assert "n'appartient pas" in message


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "hier"])
def test_impossible_dates(refused, text):
    [(line, column, _message)] = refused(csv_bytes([row(delivered_on=text)]))
    assert (line, column) == (2, "delivered_on")


def test_future_dates(refused):
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    errors = refused(csv_bytes([row(delivered_on=future), row(ref="B-2", date_of_birth=future)]))
    assert {(r, c) for r, c, _m in errors} >= {(2, "delivered_on"), (3, "date_of_birth")}


def test_assistance_before_birth(refused):
    [(line, column, message)] = refused(
        csv_bytes([row(date_of_birth="2024-03-01", delivered_on="2024-02-10")])
    )
    assert (line, column) == (2, "delivered_on")
    assert "naissance" in message


def test_duplicate_assistance_ref_within_the_file(refused):
    [(line, column, message)] = refused(csv_bytes([row(), row(subtype="exam")]))
    assert (line, column) == (3, "assistance_ref")
    assert "ligne 2" in message


def test_zero_byte_file(refused):
    [(line, _column, message)] = refused(b"")
    assert line is None
    assert "vide" in message


def test_not_a_spreadsheet_renamed_xlsx(refused):
    [(_line, _column, message)] = refused(b"%PDF-1.4 not a workbook", filename="data.xlsx")
    assert ".xlsx" in message


def test_a_zip_that_is_no_workbook_renamed_xlsx(refused):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    [(_line, _column, message)] = refused(buffer.getvalue(), filename="data.xlsx")
    assert "classeur" in message


def test_huge_cell(refused):
    [(line, column, message)] = refused(csv_bytes([row(first_name="x" * 50_000)]))
    assert (line, column) == (2, "first_name")
    assert "trop longue" in message


def test_cell_beyond_the_csv_reader_limit(refused):
    content = csv_bytes([row(), row(aref="A-2", first_name="y" * 1_100_000)])
    [(line, _column, message)] = refused(content)
    assert line == 3
    assert "illisible" in message


def test_every_bad_row_is_reported_not_only_the_first(refused):
    rows = [row(aref=f"A-{i}", ref=f"B-{i}", sex="?") for i in range(5)]
    rows.append(row(aref="A-9", ref="B-9"))  # a good row: still nothing written
    errors = refused(csv_bytes(rows))
    assert [(r, c) for r, c, _m in errors] == [(n, "sex") for n in range(2, 7)]


def test_a_row_of_a_person_contradicting_an_earlier_row(refused):
    [(line, column, message)] = refused(
        csv_bytes([row(aref="A-1"), row(aref="A-2", date_of_birth="1991-01-01")])
    )
    assert (line, column) == (3, "date_of_birth")
    assert "ligne 2" in message


def test_bad_xlsx_rows_are_numbered_as_in_the_sheet(refused):
    errors = refused(xlsx_bytes([row(), row(aref="A-2", category="")]), filename="f.xlsx")
    assert [(r, c) for r, c, _m in errors] == [(3, "category")]


def test_every_problem_of_a_bad_row_is_reported_at_once(refused):
    errors = refused(
        csv_bytes([row(nationality="Wakanda", category="food", subtype="hotel", aref="A-1")])
    )
    assert {(r, c) for r, c, _m in errors} == {(2, "nationality"), (2, "subtype")}


def test_a_duplicate_ref_row_is_still_checked(refused):
    errors = refused(csv_bytes([row(), row(category="magic")]))
    assert {(r, c) for r, c, _m in errors} == {(3, "assistance_ref"), (3, "category")}
