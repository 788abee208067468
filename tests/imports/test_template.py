"""The template files a partner starts from (issue 11, item 16): the contract's headers and one
example row, in CSV and XLSX, linked from the upload page and offered by the API. The example
row is refused by every import path (it would count a fictitious person); the template filled
in with real rows imports cleanly."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from assistance.importer.columns import COLUMNS
from assistance.importer.models import ImportBatch
from assistance.models import Assistance
from beneficiaries.models import Beneficiary


def _table(content: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_contracts_headers_and_one_example_row(client, alice, fmt):
    client.force_login(alice)
    response = client.get(reverse(f"imports:template_{fmt}"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="modele-import-assistances.{fmt}"'
    )
    header, *rows = _table(response.content, fmt)
    assert header == list(COLUMNS)
    assert len(rows) == 1


EXAMPLE_REFUSED = "Ligne d'exemple du modèle : supprimez-la avant d'importer le fichier."


def _download(client, user, fmt: str) -> bytes:
    client.force_login(user)
    return client.get(reverse(f"imports:template_{fmt}")).content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_example_row_is_refused_by_the_command(client, alice, project, tmp_path, fmt):
    """A partner who adds rows below the example would import a fictitious person into the
    donor's figures: the example row is refused, saying what to do."""
    path = tmp_path / f"modele.{fmt}"
    path.write_bytes(_download(client, alice, fmt))
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_assistances", str(path), organisation="partner-a", project="JPN-PROT")
    assert Assistance.objects.count() == 0 and not Beneficiary.objects.exists()


def test_the_templates_example_row_is_refused_by_the_page_and_the_api(client, alice, project):
    content = _download(client, alice, "xlsx")
    client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("modele.xlsx", content), "project": "JPN-PROT"},
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "invalid"
    assert batch.errors == [
        {"row": 2, "column": "beneficiary_ref", "value": "EXEMPLE-0001", "message": EXAMPLE_REFUSED}
    ]
    api = APIClient()
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("modele.csv", _download(client, alice, "csv"))},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (2, "beneficiary_ref")
    assert error["message"] == "Example row of the template: delete it before importing the file."
    assert Assistance.objects.count() == 0


def _with_a_real_row(content: bytes, fmt: str) -> bytes:
    """The template as a partner fills it in: the example row deleted, one of theirs written."""
    real = {
        "beneficiary_ref": "OUJ-2024-0001",
        "first_name": "Mariam",
        "sex": "F",
        "nationality": "ML",
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": "2024-02-10",
        "assistance_ref": "OUJ-A-0001",
    }
    if fmt == "csv":
        header, _example = _table(content, "csv")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerows([header, [real.get(name, "") for name in header]])
        return out.getvalue().encode()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2)
    sheet.append([real.get(name) for name in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_with_the_example_replaced_by_a_real_row_imports(
    client, alice, project, tmp_path, fmt
):
    path = tmp_path / f"assistances.{fmt}"
    path.write_bytes(_with_a_real_row(_download(client, alice, fmt), fmt))
    out = io.StringIO()
    call_command(
        "import_assistances", str(path), organisation="partner-a", project="JPN-PROT", stdout=out
    )
    assistance = Assistance.objects.get()
    assert (assistance.assistance_ref, assistance.beneficiary.beneficiary_ref) == (
        "OUJ-A-0001",
        "OUJ-2024-0001",
    )
    assert not Beneficiary.objects.filter(beneficiary_ref__istartswith="exemple").exists()


def test_the_upload_page_links_to_both_templates(client, alice):
    client.force_login(alice)
    page = client.get(reverse("imports:upload")).content.decode()
    for fmt in ("csv", "xlsx"):
        assert f'href="{reverse(f"imports:template_{fmt}")}"' in page
    assert "nombre de lignes : 100 000" in page.replace("\xa0", " ")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_api_offers_the_same_template(alice, fmt):
    api = APIClient()
    api.force_authenticate(alice)
    response = api.get(f"/api/v1/imports/template/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'modele-import-assistances.{fmt}"')
    assert _table(response.content, fmt)[0] == list(COLUMNS)


def test_donors_get_no_template(client, donor_user):
    client.force_login(donor_user)
    assert client.get(reverse("imports:template_csv")).status_code == 404
    api = APIClient()
    api.force_authenticate(donor_user)
    assert api.get("/api/v1/imports/template/csv/").status_code in (403, 404)
