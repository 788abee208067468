"""The admin is usable by IOM officers: every registered model lists, searches and filters."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from assistance.referrals.services import referral_create
from assistance.returns.services import return_case_open
from assistance.services import assistance_record
from beneficiaries.services import beneficiary_register


@pytest.fixture
def data(alice, partner_b, project):
    person = beneficiary_register(
        acting_user=alice,
        beneficiary_ref="A-1",
        first_name="Awa",
        sex="F",
        registered_on=datetime.date(2023, 1, 1),
    )
    assistance_record(
        beneficiary=person,
        category="food",
        subtype="meal",
        delivered_on=datetime.date(2023, 6, 1),
        acting_user=alice,
    )
    referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
    )
    return_case_open(beneficiary=person, country="GN", acting_user=alice)
    return person


@pytest.fixture
def officer_client(client, officer):
    officer.is_staff = True
    officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def _registered_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in {"core", "partners", "beneficiaries", "assistance", "reporting"}
    ]


def test_every_domain_model_is_in_the_admin():
    labels = {m._meta.label for m in _registered_models()}
    assert {
        "partners.Organisation",
        "partners.Project",
        "partners.City",
        "partners.Region",
        "partners.Membership",
        "beneficiaries.Beneficiary",
        "assistance.Assistance",
        "assistance.Referral",
        "assistance.ReturnCase",
        "assistance.Activity",
        "core.AuditEntry",
    } <= labels


@pytest.mark.parametrize("model", _registered_models(), ids=lambda m: m._meta.label)
def test_changelist_search_and_detail_open(officer_client, data, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert officer_client.get(url).status_code == 200
    assert officer_client.get(url, {"q": "Awa"}).status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        change = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk]
        )
        assert officer_client.get(change).status_code == 200


def test_admin_edit_goes_through_the_service_and_is_audited(officer_client, data):
    from core.models import AuditEntry

    url = reverse("admin:beneficiaries_beneficiary_change", args=[data.pk])
    form = officer_client.get(url).context["adminform"].form
    payload = {name: form.initial.get(name) or "" for name in form.fields}
    payload.update(
        {
            "first_name": "Awa Marie",
            "sex": "F",
            "legal_status": "unknown",
            "registered_on": "2023-01-01",
            "consent": "on",
            "is_migrant": "on",
            "organisation": data.organisation_id,
            "vulnerabilities": "",
            "accesses-TOTAL_FORMS": "0",
            "accesses-INITIAL_FORMS": "0",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        }
    )
    payload = {k: v for k, v in payload.items() if v is not None}
    response = officer_client.post(url, payload)
    assert response.status_code == 302, response.context["adminform"].form.errors
    data.refresh_from_db()
    assert data.first_name == "Awa Marie"
    assert data.version == 2
    assert AuditEntry.objects.filter(action="update", object_id=str(data.pk)).exists()


def test_partner_staff_cannot_reach_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:beneficiaries_beneficiary_changelist"))
    assert response.status_code == 302
