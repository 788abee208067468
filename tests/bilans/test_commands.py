import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory


@pytest.fixture
def rows(project, partner_a):
    # Exact small figures (k = 0); the threshold has a test of its own below.
    project.small_cell_threshold = 0
    project.save(update_fields=["small_cell_threshold"])
    for day in (datetime.date(2023, 4, 1), datetime.date(2023, 7, 1)):
        AssistanceFactory(
            beneficiary=BeneficiaryFactory(organisation=partner_a),
            project=project,
            delivered_on=day,
        )
    return project


def test_bilan_json_to_stdout(rows):
    out = StringIO()
    call_command("bilan", "--project", "JPN-PROT", "--period", "2023-Q2", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["project"], data["start"], data["end"]) == ("JPN-PROT", "2023-04-01", "2023-06-30")
    assert data["indicators"]["assistances_delivered"]["total"] == 1


def test_bilan_to_a_file_with_dates_and_organisation(rows, tmp_path):
    def bilan(*organisation):
        target = tmp_path / "bilan.json"
        call_command(
            "bilan", "--project", "JPN-PROT", "--start", "2023-01-01", "--end", "2023-12-31",
            *organisation, "--output", str(target), stderr=StringIO(),
        )  # fmt: skip
        return json.loads(target.read_text(encoding="utf-8"))

    data = bilan()
    assert (data["start"], data["end"]) == ("2023-01-01", "2023-12-31")
    assert data["indicators"]["assistances_delivered"]["total"] == 2  # both rows of partner A
    assert bilan("--organisation", "partner-a")["indicators"]["assistances_delivered"]["total"] == 2
    assert bilan("--organisation", "partner-b")["indicators"]["assistances_delivered"]["total"] == 0


def test_bilan_applies_the_projects_small_cell_threshold_unless_raw(rows):
    rows.small_cell_threshold = 3
    rows.save(update_fields=["small_cell_threshold"])
    out = StringIO()
    call_command("bilan", "--project", "JPN-PROT", "--period", "2023", stdout=out)
    assert json.loads(out.getvalue())["indicators"]["assistances_delivered"]["total"] == "<3"
    out = StringIO()
    call_command("bilan", "--project", "JPN-PROT", "--period", "2023", "--raw", stdout=out)
    assert json.loads(out.getvalue())["indicators"]["assistances_delivered"]["total"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2023", "--format", "pdf"], "demande --output"),
        (["--period", "2023", "--format", "xlsx"], "demande --output"),
        (["--period", "2023-Q7"], "Période invalide"),
        ([], "--period"),
        (["--period", "2023", "--organisation", "nope"], "Organisation inconnue"),
    ],
)
def test_bilan_refuses_clearly(rows, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bilan", "--project", "JPN-PROT", *args)


def test_unknown_project(db):
    with pytest.raises(CommandError, match="Projet inconnu"):
        call_command("bilan", "--project", "NOPE", "--period", "2023")
