"""`manage.py bilan --scope mission …` (issue 15, DESIGN.md §9): the mission's JSON, PDF and
XLSX from the command line; --project stays required for a project's bilan."""

import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reporting.engine import mission_bilan
from reporting.periods import period_between
from tests.bilans.test_pdf import pdf_text


def test_json_of_a_year_to_stdout(mission_data):
    out = StringIO()
    call_command("bilan", "--scope", "mission", "--period", "2023", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["scope"], data["start"], data["end"]) == ("mission", "2023-01-01", "2023-12-31")
    assert data["indicators"]["beneficiaries_reached"]["total"] == 6
    assert data["by_city"]["oujda"] == {"F": 1, "M": 0, "unknown": 1}
    assert data["by_axis"]["protection"]["persons"]["total"] == 6


def test_json_between_two_dates_to_a_file(mission_data, tmp_path):
    target = tmp_path / "mission.json"
    call_command(
        "bilan", "--scope", "mission", "--start", "2023-01-01", "--end", "2023-06-30",
        "--output", str(target), stderr=StringIO(),
    )  # fmt: skip
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(mission_bilan(period_between("2023-01-01", "2023-06-30"))))


def test_pdf_and_xlsx(mission_data, tmp_path):
    pdf, xlsx = tmp_path / "mission.pdf", tmp_path / "mission.xlsx"
    for target, fmt, language in ((pdf, "pdf", "en"), (xlsx, "xlsx", "fr")):
        call_command(
            "bilan", "--scope", "mission", "--period", "2023", "--format", fmt,
            "--language", language, "--output", str(target), stderr=StringIO(),
        )  # fmt: skip
    text = " ".join(pdf_text(pdf.read_bytes()).split())
    assert "Key figures" in text and "1 January 2023 – 31 December 2023" in text
    assert "Protection and resilience" in text and "Union européenne" in text
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert {"Indicateurs", "Par ville", "Par axe", "Retours"} <= set(book.sheetnames)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "mission", "--period", "2023", "--project", "JPN-PROT"], "sans --project"),
        (["--scope", "mission", "--period", "2023", "--organisation", "partner-a"], "sans"),
        (["--scope", "mission"], "--period"),
        (["--scope", "mission", "--period", "2023", "--format", "pdf"], "--output"),
        (["--scope", "mission", "--period", "23"], "Période invalide"),
        (["--period", "2023"], "--project"),
    ],
)
def test_bad_input_says_what_to_give(project, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bilan", *args, stdout=StringIO())
