"""Rules a page form checks, obeyed on every path: they live in the models' clean() and the
services, so the API (and the importer, the admin, the command) cannot step around them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assistance.activities.services import activity_record
from assistance.importer.models import ImportBatch
from assistance.models import Activity, Referral
from assistance.referrals.services import referral_create
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_register
from tests.imports.conftest import csv_bytes, row
from tests.partners.factories import OrganisationFactory


def test_a_referral_goes_to_a_partner_or_to_a_structure_not_both(
    client_for, alice, person_a, partner_b
):
    answer = client_for(alice).post(
        "/api/v1/referrals/",
        {
            "beneficiary": person_a.pk,
            "to_organisation": partner_b.slug,
            "to_structure": "CHU Mohammed VI",
            "category": "medical",
            "consent": True,
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "pas les deux" in answer.json()["to_structure"][0]
    assert not Referral.objects.exists()
    assert not person_a.assistances.exists()  # no public-health row either


def test_a_referral_goes_to_an_active_partner_only(client_for, alice, person_a):
    closed = OrganisationFactory(slug="closed-ngo", is_active=False)
    answer = client_for(alice).post(
        "/api/v1/referrals/",
        {
            "beneficiary": person_a.pk,
            "to_organisation": closed.slug,
            "category": "legal",
            "consent": True,
        },
        format="json",
    )
    assert answer.status_code == 400
    with pytest.raises(ValidationError) as error:
        referral_create(
            beneficiary=person_a,
            category="legal",
            consent=True,
            to_organisation=closed,
            acting_user=alice,
        )
    assert "to_organisation" in error.value.message_dict
    assert not Referral.objects.exists()


@pytest.mark.parametrize("kind", ["donor", "closed partner"])
def test_iom_imports_only_into_an_active_partner_or_iom(client_for, officer, donor, project, kind):
    target = donor if kind == "donor" else OrganisationFactory(slug="closed", is_active=False)
    answer = client_for(officer).post(
        "/api/v1/imports/",
        {
            "file": SimpleUploadedFile("f.csv", csv_bytes([row()])),
            "organisation": target.slug,
            "project": project.code,
        },
        format="multipart",
    )
    assert answer.status_code == 400
    assert "organisation" in answer.json()
    assert not ImportBatch.objects.exists()
    assert not Beneficiary.objects.filter(organisation=target).exists()


def test_iom_registers_people_only_for_a_partner_or_iom(officer, donor):
    with pytest.raises(ValidationError) as error:
        beneficiary_register(
            acting_user=officer, organisation=donor, beneficiary_ref="D-1", last_name="Sow"
        )
    assert "organisation" in error.value.message_dict
    assert not Beneficiary.objects.exists()


def test_the_admin_offers_no_donor_to_own_a_person(client, officer, donor, partner_a):
    officer.is_staff = officer.is_superuser = True
    officer.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(officer)
    page = client.get("/admin/beneficiaries/beneficiary/add/").text
    owners = page[page.index('name="organisation"') :]
    owners = owners[: owners.index("</select>")]
    assert f'value="{partner_a.pk}"' in owners
    assert f'value="{donor.pk}"' not in owners


def test_a_group_session_has_at_least_one_participant(alice):
    """No API records group sessions: the service is where every path meets."""
    with pytest.raises(ValidationError) as error:
        activity_record(
            category="awareness",
            subtype="health",
            title="Personne",
            held_on=datetime.date(2023, 6, 1),
            acting_user=alice,
        )
    assert "au moins une personne" in str(error.value)
    assert not Activity.objects.exists()
