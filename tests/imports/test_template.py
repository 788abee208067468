"""The template files a partner starts from (issue 11, item 16): the contract's headers and one
example row, in CSV and XLSX, linked from the upload page and offered by the API; the example
row imports as it is."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from assistance.importer.columns import COLUMNS
from assistance.models import Assistance


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


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloaded_template_imports_without_an_error(client, alice, project, tmp_path, fmt):
    client.force_login(alice)
    path = tmp_path / f"modele.{fmt}"
    path.write_bytes(client.get(reverse(f"imports:template_{fmt}")).content)
    out = io.StringIO()
    call_command(
        "import_assistances",
        str(path),
        organisation="partner-a",
        project="JPN-PROT",
        dry_run=True,
        stdout=out,
    )
    assert "Vérification réussie" in out.getvalue()
    assert Assistance.objects.count() == 0
    call_command("import_assistances", str(path), organisation="partner-a", stdout=out)
    assistance = Assistance.objects.get()
    assert (assistance.category, assistance.beneficiary.beneficiary_ref) == (
        "medical",
        "EXEMPLE-0001",
    )


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
