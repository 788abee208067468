"""The targets import: whole or nothing, every bad row reported with its row and column."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from core.models import AuditEntry
from partners.access import SYSTEM
from results.importer import MAX_ROWS, import_targets
from results.models import ExpectedResult, Target
from tests.partners.factories import city
from tests.results.factories import ExpectedResultFactory, TargetFactory

HEADER = "result,indicator,baseline,target,target_female,target_male,organisation,city\n"
GOOD = (
    HEADER + "Accès aux soins,medical_persons,0,100,60,40,,\n"
    "Accès aux soins,medical_persons,0,30,,,partner-a,oujda\n"
    "Protection,beneficiaries_reached,5,200,,,,\n"
)

UNSPLIT = (
    HEADER + "Accès aux soins,medical_persons,0,100,60,40,,\n"
    "Protection,beneficiaries_reached,5,200,,,,\n"
)


def run(project, text, *, dry_run=False, user=SYSTEM, name="targets.csv"):
    content = text.encode() if isinstance(text, str) else text
    return import_targets(
        project=project, content=content, filename=name, acting_user=user, dry_run=dry_run
    )


def test_a_good_file_creates_results_and_targets(project, officer):
    project.cities.set([city("oujda"), city("casablanca")])
    report = run(project, GOOD, user=officer)
    assert report.ok, report.errors
    assert (report.results_created, report.targets_created) == (2, 3)
    assert list(ExpectedResult.objects.values_list("statement_fr", flat=True)) == [
        "Accès aux soins",
        "Protection",
    ]
    split = Target.objects.get(organisation__slug="partner-a")
    assert (split.city.code, split.target_total) == ("oujda", 30)
    assert AuditEntry.objects.filter(model="results.target").count() == 3

    # The same file again updates, never duplicates.
    again = run(project, GOOD.replace(",200,", ",250,"), user=officer)
    assert (again.targets_created, again.targets_updated) == (0, 3)
    assert Target.objects.get(indicator__code="beneficiaries_reached").target_total == 250


def test_every_bad_row_is_reported_and_nothing_changes(project):
    existing = TargetFactory(result=ExpectedResultFactory(project=project), target_total=7)
    text = (
        HEADER + "Accès aux soins,medical_persons,0,100,,,,\n"  # good row 2
        ",medical_persons,0,10,,,,\n"  # 3: no result
        "Accès,nope,0,10,,,,\n"  # 4: unknown indicator
        "Accès,medical_persons,-1,0,,,,\n"  # 5: baseline and target
        "Accès,medical_persons,0,10,8,5,,\n"  # 6: F + M > total
        "Accès,medical_persons,0,10,,,partner-c,\n"  # 7: not a partner of the project
        "Accès,medical_persons,0,10,,,,atlantis\n"  # 8: unknown city
        "Accès aux soins,medical_persons,0,12,,,,\n"  # 9: same target as row 2
        "Accès,medical_persons,0,douze,,,,\n"  # 10: not a number
    )
    report = run(project, text)
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "result"),
        (4, "indicator"),
        (5, "baseline"),
        (5, "target"),
        (6, "target_male"),
        (7, "organisation"),
        (8, "city"),
        (9, "indicator"),
        (10, "target"),
    }
    assert all(e.reason for e in report.errors)
    assert list(Target.objects.all()) == [existing]
    assert ExpectedResult.objects.count() == 1


def test_missing_and_unknown_columns(project):
    report = run(project, "result,indicator,colour\nA,medical_persons,red\n")
    assert {(e.row, e.column) for e in report.errors} == {(1, "target"), (1, "colour")}


def test_rows_are_bounded(project):
    text = HEADER + "".join(f"R{i},medical_persons,0,5,,,,\n" for i in range(MAX_ROWS + 1))
    report = run(project, text)
    assert not report.ok and "lignes" in report.errors[0].reason
    assert not Target.objects.exists()


def test_dry_run_checks_and_saves_nothing(project):
    report = run(project, UNSPLIT, dry_run=True)
    assert report.ok and report.targets_created == 2
    assert not Target.objects.exists() and not ExpectedResult.objects.exists()


def test_xlsx(project):
    book = Workbook()
    sheet = book.active
    sheet.append(["result", "indicator", "baseline", "target"])
    sheet.append(["Accès aux soins", "medical_persons", 0, 100])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(project, buffer.getvalue(), name="targets.xlsx")
    assert report.ok, report.errors
    assert Target.objects.get().target_total == 100


def test_the_page_reports_rows_and_imports_for_an_officer(client, officer, project):
    client.force_login(officer)
    address = reverse("results:target_import", args=[project.code])
    bad = io.BytesIO((HEADER + "Accès,nope,0,10,,,,\n").encode())
    bad.name = "t.csv"
    page = client.post(address, {"file": bad})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Rien n'a été importé" in html and "nope" in html and "<td data-label" in html
    good = io.BytesIO(UNSPLIT.encode())
    good.name = "t.csv"
    assert client.post(address, {"file": good}).status_code == 302
    assert Target.objects.count() == 2


def test_the_command(project, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(UNSPLIT)
    call_command("import_targets", str(path), "--project", project.code, "--dry-run")
    assert not Target.objects.exists()
    call_command("import_targets", str(path), "--project", project.code)
    assert Target.objects.count() == 2
    path.write_text(HEADER + "Accès,nope,0,10,,,,\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_targets", str(path), "--project", project.code)
    with pytest.raises(CommandError):
        call_command("import_targets", str(path), "--project", "NOPE")
