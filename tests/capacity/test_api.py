"""/api/v1/capacity-events/: the pages' scoping, the services' rules, every write tried by
another partner, a donor and an anonymous client."""

import datetime

import pytest

from capacity import services
from capacity.models import CapacityEvent, EventParticipant
from tests.partners.factories import city

URL = "/api/v1/capacity-events/"


@pytest.fixture
def event(alice, project):
    return services.capacity_event_record(
        kind="training",
        title="SECRET training",
        start=datetime.date(2023, 5, 10),
        city=city("oujda"),
        project=project,
        counts={"government": {"F": 3, "M": 1}},
        participants=[{"name": "SECRET name", "sex": "F", "institution": "government"}],
        acting_user=alice,
    )


BODY = {
    "kind": "coordination",
    "title": "Réunion de coordination régionale",
    "start": "2023-06-01",
    "city": "oujda",
    "project": "JPN-PROT",
    "counts": {"government": {"F": 2, "M": 3}, "iom": {"unknown": 1}},
    "participants": [
        {"name": "M. Idrissi", "sex": "M", "institution": "government", "function": "Wali"}
    ],
}


def state():
    return (
        list(CapacityEvent.objects.values().order_by("pk")),
        list(EventParticipant.objects.values().order_by("pk")),
    )


def test_a_caseworker_records_lists_corrects_and_deletes(client_for, alice, partner_a, project):
    client = client_for(alice)
    created = client.post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organisation"] == partner_a.slug
    assert body["total"] == 6
    assert body["counts"]["government"] == {"F": 2, "M": 3, "unknown": 0, "total": 5}
    assert body["participants"][0]["name"] == "M. Idrissi"
    assert client.get(URL).json()["results"][0]["id"] == body["id"]
    assert client.get(URL, {"kind": "training"}).json()["results"] == []
    detail = f"{URL}{body['id']}/"
    patched = client.patch(detail, {"title": "Corrigé", "version": 1}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert patched.json()["participants"]  # left as they were
    stale = client.patch(detail, {"title": "Ancien", "version": 1}, format="json")
    assert stale.status_code == 409
    erased = client.patch(detail, {"participants": [], "version": 2}, format="json")
    assert erased.status_code == 200 and erased.json()["participants"] == []
    assert client.delete(detail).status_code == 204
    assert not CapacityEvent.objects.exists()


def test_the_api_applies_the_services_rules(client_for, alice, project):
    client = client_for(alice)
    too_few = {**BODY, "counts": {"government": {"F": 5}}}  # the named man is not counted
    assert client.post(URL, too_few, format="json").status_code == 400
    assert client.post(URL, {**BODY, "counts": {}}, format="json").status_code == 400
    negative = {**BODY, "counts": {"government": {"F": -1}}}
    assert client.post(URL, negative, format="json").status_code == 400
    assert not CapacityEvent.objects.exists()


def test_an_officer_records_for_a_partner(client_for, officer, partner_b, project):
    response = client_for(officer).post(
        URL, {**BODY, "organisation": partner_b.slug}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == partner_b.slug


@pytest.mark.parametrize("who", ["other_partner", "donor", "anonymous"])
def test_outsiders_neither_see_nor_change_an_event(who, client_for, event, charlie, donor_user):
    user = {"other_partner": charlie, "donor": donor_user, "anonymous": None}[who]
    client = client_for(user)
    expected = {"other_partner": 404, "donor": 403, "anonymous": 401}[who]
    before = state()
    detail = f"{URL}{event.pk}/"
    for method, url, body in (
        ("get", detail, None),
        ("patch", detail, {"title": "X", "version": 1}),
        ("put", detail, {**BODY, "version": 1}),
        ("delete", detail, None),
    ):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected, (method, response.status_code)
        assert b"SECRET" not in response.content
    listed = client.get(URL)
    assert b"SECRET" not in listed.content
    created = client.post(URL, {**BODY, "organisation": event.organisation.slug}, format="json")
    assert created.status_code == {"other_partner": 403, "donor": 403, "anonymous": 401}[who]
    assert state() == before
