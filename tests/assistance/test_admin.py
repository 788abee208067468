"""The assistance admin writes what the officer typed, through the services: its add form
offers only what assistance_record takes, and every value offered lands in the row."""

import pytest

from assistance.models import Assistance
from core.models import AuditEntry
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.test_admin import add_url


@pytest.fixture
def officer_client(client, officer):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def test_the_add_form_leaves_the_links_to_their_own_flows(officer_client):
    form = officer_client.get(add_url(Assistance)).context["adminform"].form
    assert "activity" not in form.fields
    assert "return_case" not in form.fields
    assert {"beneficiary", "provider", "category", "subtype", "notes"} <= set(form.fields)


@pytest.mark.django_db
def test_every_value_offered_on_the_add_form_is_recorded(officer_client, partner_a, project):
    person = BeneficiaryFactory(organisation=partner_a)
    form = officer_client.get(add_url(Assistance)).context["adminform"].form
    typed = {
        "beneficiary": person.pk,
        "provider": partner_a.pk,
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": "2023-06-01",
        "status": "delivered",
        "project": project.pk,
        "city": "",
        "country": "",
        "quantity": "2",
        "value_mad": "150",
        "outcome": "",
        "notes": "Consultation au centre",
        "assistance_ref": "ADM-1",
    }
    assert set(form.fields) == set(typed), "a field offered here must be one this test fills"

    response = officer_client.post(add_url(Assistance), typed)

    assert response.status_code == 302, response.context["adminform"].form.errors
    row = Assistance.objects.get()
    assert (row.beneficiary, row.provider, row.project) == (person, partner_a, project)
    assert (row.quantity, row.value_mad, row.notes, row.assistance_ref) == (
        2,
        150,
        "Consultation au centre",
        "ADM-1",
    )
    assert AuditEntry.objects.filter(model="assistance.assistance", action="create").exists()
