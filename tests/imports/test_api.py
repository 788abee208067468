"""POST /api/v1/imports/: the same behaviour as the command, answered as JSON."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from assistance.models import Assistance
from tests.imports.conftest import csv_bytes, row

URL = "/api/v1/imports/"


def _post(user, content, **data):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        URL,
        {"file": SimpleUploadedFile("f.csv", content), "project": "JPN-PROT", **data},
        format="multipart",
    )


def test_import_answers_201_with_the_counts(alice, project):
    response = _post(alice, csv_bytes([row()]))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["ok"], body["counts"]["assistances_new"]) == ("done", True, 1)
    assert Assistance.objects.count() == 1
    detail = APIClient()
    detail.force_authenticate(alice)
    assert detail.get(f"{URL}{body['id']}/").json()["status"] == "done"


def test_dry_run_answers_200_and_writes_nothing(alice, project):
    response = _post(alice, csv_bytes([row()]), dry_run="true")
    assert response.status_code == 200
    assert response.json()["counts"]["persons_new"] == 1
    assert Assistance.objects.count() == 0


def test_a_bad_file_answers_400_with_every_row(alice, project):
    response = _post(alice, csv_bytes([row(sex="?"), row(aref="A-2", subtype="hotel")]))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "sex"), (3, "subtype")]
    assert all(e["message"] for e in errors)
    assert Assistance.objects.count() == 0


def test_another_organisation_is_refused(charlie, partner_a, project):
    response = _post(charlie, csv_bytes([row()]), organisation="partner-a")
    assert response.status_code in (400, 403)
    assert Assistance.objects.count() == 0


def test_donors_cannot_import(donor_user, project):
    assert _post(donor_user, csv_bytes([row()])).status_code in (403, 404)
