"""The pages of capacity building, as each role: the list and its filters, record, correct,
delete; every POST tried by another organisation, a donor and an anonymous visitor."""

import datetime

import pytest
from django.urls import reverse

from capacity import services
from capacity.models import CapacityEvent, EventParticipant
from tests.capacity.factories import CapacityEventFactory
from tests.partners.factories import city

SECRET = "Formation confidentielle"


@pytest.fixture
def event(alice, project):
    return services.capacity_event_record(
        kind="training",
        title=SECRET,
        start=datetime.date(2023, 5, 10),
        city=city("oujda"),
        project=project,
        counts={"government": {"F": 3, "M": 1}},
        participants=[{"name": "Dr Nadia Secret", "sex": "F", "institution": "government"}],
        acting_user=alice,
    )


def form_body(**overrides):
    body = {
        "kind": "workshop",
        "title": "Atelier coordination",
        "start": "2023-06-01",
        "city": city("oujda").pk,
        "government_f": "2",
        "health_staff_m": "3",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-name": "Dr Salma",
        "participants-0-sex": "F",
        "participants-0-institution": "government",
        "participants-0-function": "Médecin-chef",
    }
    return {**body, **overrides}


def state():
    return (
        list(CapacityEvent.objects.values().order_by("pk")),
        list(EventParticipant.objects.values().order_by("pk")),
    )


def test_the_organisation_lists_and_filters_its_events(client, alice, event, partner_b):
    CapacityEventFactory(organisation=partner_b, title="Chez B")
    client.force_login(alice)
    page = client.get(reverse("capacity:list"))
    assert page.status_code == 200
    assert SECRET in page.content.decode() and "Chez B" not in page.content.decode()
    # Under the Assistances entry of the menu (the bar has no room for one more).
    assert 'aria-current="page">Assistances' in page.content.decode()
    for query, shown in (
        ({"kind": "workshop"}, False),
        ({"kind": "training", "project": "JPN-PROT"}, True),
        ({"start_from": "2023-05-11"}, False),
        ({"start_from": "2023-05-10", "start_to": "2023-05-10", "city": "oujda"}, True),
        ({"city": "rabat"}, False),
    ):
        body = client.get(reverse("capacity:list"), query).content.decode()
        assert (SECRET in body) is shown, query


def test_the_list_is_for_staff_only(client, event, donor_user):
    assert client.get(reverse("capacity:list")).status_code == 302
    client.force_login(donor_user)
    assert client.get(reverse("capacity:list")).status_code == 404


def test_an_officer_sees_every_event(client, officer, event):
    client.force_login(officer)
    # The officer's menu bar is full: the home page leads to the events.
    assert reverse("capacity:list") in client.get(reverse("home")).content.decode()
    assert SECRET in client.get(reverse("capacity:list")).content.decode()
    page = client.get(reverse("capacity:edit", args=[event.pk]))
    assert page.status_code == 200 and "Dr Nadia Secret" in page.content.decode()


def test_a_caseworker_records_an_event_with_a_named_participant(client, alice, partner_a):
    client.force_login(alice)
    assert client.get(reverse("capacity:create")).status_code == 200
    response = client.post(reverse("capacity:create"), form_body())
    assert response.status_code == 302
    event = CapacityEvent.objects.get()
    assert (event.organisation, event.total, event.kind) == (partner_a, 5, "workshop")
    assert event.participants.get().function == "Médecin-chef"


def test_the_counts_must_cover_the_named_participants(client, alice):
    client.force_login(alice)
    response = client.post(reverse("capacity:create"), form_body(government_f="0"))
    assert response.status_code == 400
    assert "nommé" in response.content.decode()
    assert not CapacityEvent.objects.exists()


def test_a_negative_count_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("capacity:create"), form_body(health_staff_m="-3"))
    assert response.status_code == 400
    assert not CapacityEvent.objects.exists()


def test_the_organisation_corrects_and_deletes_its_event(client, bob, event):
    client.force_login(bob)
    page = client.get(reverse("capacity:edit", args=[event.pk]))
    assert "Dr Nadia Secret" in page.content.decode()
    body = form_body(
        title="Formation corrigée",
        version="1",
        **{
            "participants-INITIAL_FORMS": "1",
            "participants-0-name": "Dr Nadia Secret",
            "participants-0-DELETE": "on",
        },
    )
    response = client.post(reverse("capacity:edit", args=[event.pk]), body)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Formation corrigée" and event.version == 2
    assert not EventParticipant.objects.exists()  # erased
    response = client.post(reverse("capacity:delete", args=[event.pk]))
    assert response.status_code == 302
    assert not CapacityEvent.objects.exists()


def test_a_stale_correction_is_refused(client, alice, event):
    client.force_login(alice)
    services.capacity_event_update(event=event, acting_user=alice, title="entre-temps")
    response = client.post(reverse("capacity:edit", args=[event.pk]), form_body(version="1"))
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.title == "entre-temps"


@pytest.mark.parametrize("who", ["other_partner", "donor", "anonymous"])
def test_outsiders_change_nothing_and_see_nothing(client, who, event, charlie, donor_user):
    user = {"other_partner": charlie, "donor": donor_user, "anonymous": None}[who]
    if user is not None:
        client.force_login(user)
    before = state()
    urls = [
        reverse("capacity:edit", args=[event.pk]),
        reverse("capacity:delete", args=[event.pk]),
        reverse("capacity:create"),
    ]
    for url in urls:
        get = client.get(url)
        post = client.post(url, form_body(version="1"))
        for response in (get, post):
            assert SECRET.encode() not in response.content
            assert b"Nadia" not in response.content
        if user is None:
            assert post.status_code == 302 and "/login/" in post["Location"]
        elif who == "donor" or url != urls[-1]:
            assert post.status_code in (404, 405), url
    if who == "other_partner":
        # Charlie may record for partner B, never for A (the body cannot name A).
        mine = CapacityEvent.objects.exclude(pk=event.pk)
        assert all(e.organisation_id == charlie.membership.organisation_id for e in mine)
        CapacityEvent.objects.exclude(pk=event.pk).delete()
    assert state() == before
