"""Import pages: upload → preview → confirm; large files through the worker with a progress
bar; scoped (404) and bounded in queries; exports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance.importer import services
from assistance.importer.models import ImportBatch
from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from tests.imports.conftest import csv_bytes, row


def _upload(client, content, name="partenaire.csv", **data):
    return client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile(name, content), "project": "JPN-PROT", **data},
    )


def test_upload_preview_then_confirm(client, alice, project):
    client.force_login(alice)
    response = _upload(client, csv_bytes([row(), row(ref="B-2", aref="A-2")]))
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Confirmer l&#x27;import" in page or "Confirmer l'import" in page
    assert "B-2" in page  # the first rows
    assert Assistance.objects.count() == 0  # nothing before confirming
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    assert (batch.created_by, batch.organisation) == (alice, alice.membership.organisation)
    assert Assistance.objects.count() == 2
    assert "Résultat" in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()


def test_a_bad_file_shows_every_error_and_cannot_be_confirmed(client, alice, project):
    client.force_login(alice)
    _upload(client, csv_bytes([row(sex="?"), row(aref="A-2", category="magic")]))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "2 erreurs" in page and "magic" in page
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Beneficiary.objects.count() == 0
    errors_csv = client.get(reverse("imports:errors_csv", args=[batch.pk])).content.decode()
    assert "Sexe inconnu" in errors_csv


def test_large_files_run_in_the_worker_with_a_progress_bar(
    client, alice, project, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "SYNC_MAX_BYTES", 10)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, csv_bytes([row()]))
    batch = ImportBatch.objects.get()
    assert batch.status == "validating"
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "<progress" in page and "hx-get" in page
    bar = client.get(reverse("imports:progress", args=[batch.pk]))
    assert b"<progress" in bar.content
    for callback in callbacks:  # the worker runs the task (eager in tests)
        callback()
    done = client.get(reverse("imports:progress", args=[batch.pk]))
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("imports:detail", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    assert Assistance.objects.count() == 1


def test_another_partners_import_is_a_404(client, alice, charlie, donor_user, project):
    client.force_login(alice)
    _upload(client, csv_bytes([row()]))
    batch = ImportBatch.objects.get()
    for outsider in (charlie, donor_user):
        client.force_login(outsider)
        for name in ("detail", "progress", "errors_csv"):
            assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404
        assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert Assistance.objects.count() == 0


def test_a_caseworker_cannot_choose_another_organisation(client, alice, partner_b, project):
    client.force_login(alice)
    _upload(client, csv_bytes([row()]), organisation=partner_b.pk)
    assert ImportBatch.objects.get().organisation == alice.membership.organisation


def test_an_officer_chooses_the_organisation(client, officer, partner_b, project):
    client.force_login(officer)
    _upload(client, csv_bytes([row()]), organisation=partner_b.pk)
    assert ImportBatch.objects.get().organisation == partner_b


def test_the_list_of_imports_is_bounded_in_queries(
    client, alice, project, django_assert_max_num_queries
):
    client.force_login(alice)
    for index in range(3):
        _upload(client, csv_bytes([row(aref=f"A-{index}")]))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("imports:upload"))
    assert response.content.decode().count("partenaire.csv") == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_download(client, alice, project, fmt):
    client.force_login(alice)
    _upload(client, csv_bytes([row()]))
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    response = client.get(reverse(f"imports:export_assistances_{fmt}"))
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    if fmt == "csv":
        assert "B-1" in response.content.decode("utf-8-sig")


def test_donors_have_no_import_page(client, donor_user):
    client.force_login(donor_user)
    assert client.get(reverse("imports:upload")).status_code == 404
    assert client.get(reverse("imports:export_assistances_csv")).status_code == 404
