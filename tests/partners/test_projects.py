"""A new project hides small counts from its donor (k = 5, DESIGN.md §3) whatever path creates
it: the model, the service, the operations command, the API and the admin (the demo: see
tests/partners/test_commands.py). An explicit k is kept, and an update that does not mention
it leaves it alone."""

import datetime

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from partners.models import Project
from partners.services import project_upsert

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


def test_the_model_and_the_service_default_to_5(donor):
    assert Project().small_cell_threshold == 5
    project, created = project_upsert(code="NEW", title="N", donor=donor, start=START, end=END)
    assert created and project.small_cell_threshold == 5
    project_upsert(code="NEW", title="N", donor=donor, start=START, end=END, small_cell_threshold=0)
    project_upsert(code="NEW", title="Renommé", donor=donor, start=START, end=END)
    assert Project.objects.get(code="NEW").small_cell_threshold == 0  # kept


def test_the_add_project_command_defaults_to_5_and_takes_an_explicit_k(donor):
    dates = ["--start", "2024-01-01", "--end", "2024-12-31"]
    call_command("add_project", "NEW", "--title", "N", "--donor", donor.slug, *dates)
    assert Project.objects.get(code="NEW").small_cell_threshold == 5
    call_command(
        "add_project", "NEW", "--title", "N", "--donor", donor.slug, *dates,
        "--small-cell-threshold", "3",
    )  # fmt: skip
    call_command("add_project", "NEW", "--title", "N2", "--donor", donor.slug, *dates)
    assert Project.objects.get(code="NEW").small_cell_threshold == 3


def test_the_api_defaults_to_5(officer, donor):
    client = APIClient()
    client.force_authenticate(officer)
    body = {"code": "NEW", "title": "N", "donor": donor.slug, "start": "2024-01-01",
            "end": "2024-12-31"}  # fmt: skip
    created = client.post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201 and created.json()["small_cell_threshold"] == 5
    kept = client.patch(f"/api/v1/projects/{created.json()['id']}/", {"title": "X"}, format="json")
    assert kept.json()["small_cell_threshold"] == 5


@pytest.fixture
def admin_client(client, officer):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def test_the_admin_proposes_5_and_saves_it(admin_client, donor):
    form = admin_client.get("/admin/partners/project/add/").context["adminform"].form
    assert form["small_cell_threshold"].value() == 5
    response = admin_client.post(
        "/admin/partners/project/add/",
        {"code": "NEW", "title": "N", "donor": donor.pk, "currency": "USD",
         "start": "2024-01-01", "end": "2024-12-31",
         "small_cell_threshold": form["small_cell_threshold"].value()},
    )  # fmt: skip
    assert response.status_code == 302
    assert Project.objects.get(code="NEW").small_cell_threshold == 5
