"""Idempotent creates: the same POST with the same Idempotency-Key creates one record."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from core.models import IdempotencyKey
from partners.choices import Role
from tests.append_only import erase_log_rows_of
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory, ProjectFactory, member


def _assistance_body(person, project):
    return {
        "beneficiary": person.pk,
        "category": "food",
        "subtype": "food_voucher",
        "delivered_on": "2023-07-01",
        "project": project.code,
        "value_mad": "250.00",
    }


def test_the_same_post_five_times_creates_one_assistance(client_for, alice, person_a, project):
    client = client_for(alice)
    body = _assistance_body(person_a, project)
    responses = [
        client.post("/api/v1/assistances/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
        for _ in range(5)
    ]
    assert {r.status_code for r in responses} == {201}
    assert all(r.content == responses[0].content for r in responses)
    assert Assistance.objects.filter(beneficiary=person_a, category="food").count() == 1
    assert "Idempotent-Replayed" not in responses[0]
    assert responses[4]["Idempotent-Replayed"] == "true"


def test_without_a_key_each_post_creates(client_for, alice, person_a, project):
    client = client_for(alice)
    body = _assistance_body(person_a, project)
    for _ in range(2):
        assert client.post("/api/v1/assistances/", body, format="json").status_code == 201
    assert Assistance.objects.filter(beneficiary=person_a, category="food").count() == 2


def test_keys_are_scoped_per_user(client_for, alice, bob, partner_a):
    body = {"beneficiary_ref": "K-1", "first_name": "Awa", "sex": "F"}
    first = client_for(alice).post(
        "/api/v1/beneficiaries/", body, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    second = client_for(bob).post(
        "/api/v1/beneficiaries/",
        {**body, "beneficiary_ref": "K-2"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert Beneficiary.objects.filter(organisation=partner_a).count() == 2


def test_a_key_reused_for_another_body_is_refused(client_for, alice, partner_a):
    client = client_for(alice)
    url = "/api/v1/beneficiaries/"
    body = {"beneficiary_ref": "K-1", "sex": "F"}
    assert client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = client.post(
        url, {**body, "beneficiary_ref": "K-9"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert "clé" in other.json()["detail"]
    assert Beneficiary.objects.filter(organisation=partner_a).count() == 1


def test_a_failed_request_keeps_no_key_so_the_client_can_fix_and_retry(client_for, alice):
    client = client_for(alice)
    url = "/api/v1/beneficiaries/"
    bad = client.post(url, {"sex": "female?"}, format="json", HTTP_IDEMPOTENCY_KEY="retry")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.filter(key="retry").exists()
    good = client.post(
        url, {"sex": "F", "beneficiary_ref": "R-1"}, format="json", HTTP_IDEMPOTENCY_KEY="retry"
    )
    assert good.status_code == 201


@pytest.fixture
def committed_world(django_db_setup, django_db_blocker):
    """A partner, a caseworker, a project and a person *committed* to the test database, so
    that other connections (the threads below) see them; removed afterwards. (A transactional
    test would flush every table at the end, the cities seeded by migrations included, which
    other tests rely on.)"""
    with django_db_blocker.unblock():
        partner = OrganisationFactory(slug="partner-concurrent")
        user = member(partner, Role.CASEWORKER, username="concurrent")
        project = ProjectFactory(code="CONC", partners=[partner])
        person = BeneficiaryFactory(organisation=partner)
        try:
            yield user, project, person
        finally:
            assistances = Assistance.objects.filter(beneficiary=person)
            erase_log_rows_of([user])
            IdempotencyKey.objects.filter(user=user).delete()
            assistances.delete()
            person.delete()
            project.delete()
            project.donor.delete()
            user.delete()  # and its membership
            partner.delete()


def test_concurrent_replays_create_one_record(committed_world):
    """Five clients send the same request at the same instant: PostgreSQL's unique index makes
    four of them wait for the first, then replay its answer."""
    user, project, person = committed_world
    body = _assistance_body(person, project)
    barrier = threading.Barrier(5)
    responses = []

    def send():
        client = APIClient()
        client.force_authenticate(user=user)
        barrier.wait()
        try:  # the database is unblocked by committed_world for the whole test
            responses.append(
                client.post(
                    "/api/v1/assistances/", body, format="json", HTTP_IDEMPOTENCY_KEY="burst"
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in responses] == [201] * 5
    assert len({r.json()["id"] for r in responses}) == 1
    assert Assistance.objects.filter(beneficiary=person).count() == 1


def test_keys_expire_after_24_hours(client_for, alice, partner_a):
    client = client_for(alice)
    url = "/api/v1/beneficiaries/"
    body = {"beneficiary_ref": "OLD-1", "sex": "F"}
    assert client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert (
        client.post(
            url, {"beneficiary_ref": "NEW-1"}, format="json", HTTP_IDEMPOTENCY_KEY="new"
        ).status_code
        == 201
    )
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
