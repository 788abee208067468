"""Optimistic concurrency: an update names the version it read; a stale one gets 409 with the
record as it is now, and nothing is overwritten."""

from assistance.models import Assistance
from beneficiaries.models import Beneficiary


def test_stale_update_gets_409_with_the_current_record(client_for, alice, bob, person_a):
    url = f"/api/v1/beneficiaries/{person_a.pk}/"
    read_by_alice = client_for(alice).get(url)
    assert read_by_alice["ETag"] == '"1"'
    assert (
        client_for(bob)
        .patch(url, {"first_name": "Bob-wins", "version": 1}, format="json")
        .status_code
        == 200
    )

    stale = client_for(alice).patch(url, {"first_name": "Alice", "version": 1}, format="json")

    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["current"]["first_name"] == "Bob-wins"
    assert body["current"]["version"] == 2
    assert stale["ETag"] == '"2"'
    person_a.refresh_from_db()
    assert (person_a.first_name, person_a.version) == ("Bob-wins", 2)


def test_if_match_header_carries_the_version(client_for, alice, assistance_a):
    client = client_for(alice)
    url = f"/api/v1/assistances/{assistance_a.pk}/"
    ok = client.patch(url, {"notes": "vu"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.patch(url, {"notes": "encore"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert stale.status_code == 409
    assert stale.json()["current"]["notes"] == "vu"
    assert Assistance.objects.get(pk=assistance_a.pk).notes == "vu"


def test_an_update_without_version_is_refused(client_for, alice, person_a):
    response = client_for(alice).patch(
        f"/api/v1/beneficiaries/{person_a.pk}/", {"first_name": "X"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
    assert Beneficiary.objects.get(pk=person_a.pk).first_name != "X"


def test_put_replaces_the_editable_fields(client_for, alice, person_a):
    response = client_for(alice).put(
        f"/api/v1/beneficiaries/{person_a.pk}/",
        {"beneficiary_ref": "A-001", "first_name": "Mariam", "sex": "F", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["first_name"] == "Mariam"


def test_stale_cancel_gets_409(client_for, alice, assistance_a):
    client = client_for(alice)
    url = f"/api/v1/assistances/{assistance_a.pk}/"
    assert client.patch(url, {"notes": "v2", "version": 1}, format="json").status_code == 200
    response = client.post(url + "cancel/", {"version": 1, "reason": "doublon"}, format="json")
    assert response.status_code == 409
    assert Assistance.objects.get(pk=assistance_a.pk).status == "delivered"
    response = client.post(url + "cancel/", {"version": 2, "reason": "doublon"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
