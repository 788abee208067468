"""Writing events: who may, the project rule of assistances, the counts and the names."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capacity import services
from capacity.models import CapacityEvent, EventParticipant
from core.exceptions import ConflictError
from core.models import AuditEntry
from tests.partners.factories import DonorFactory, ProjectFactory, city

DAY = datetime.date(2023, 5, 10)


def record(user, **kwargs):
    fields = {
        "kind": "training",
        "title": "Formation PSS",
        "start": DAY,
        "city": city("oujda"),
        "counts": {"government": {"F": 2}},
        "acting_user": user,
    }
    return services.capacity_event_record(**{**fields, **kwargs})


def test_a_caseworker_records_an_event_of_her_organisation(alice, partner_a, project, counts):
    event = record(alice, project=project, counts=counts, title="  Formation\u202e PSS ")
    assert event.organisation == partner_a
    assert event.title == "Formation PSS"  # the app's text cleaning
    assert event.total == 12
    assert event.counts()["health_staff"] == {"F": 4, "M": 1, "unknown": 1}
    entry = AuditEntry.objects.get(model="capacity.capacityevent", object_id=str(event.pk))
    assert entry.action == "create" and entry.actor == alice
    assert entry.changes["participants"] == [None, 0]


def test_an_officer_records_for_any_partner_but_a_partner_only_for_itself(
    officer, alice, partner_b
):
    assert record(officer, organisation=partner_b).organisation == partner_b
    assert record(officer).organisation_id == officer.membership.organisation_id
    with pytest.raises(PermissionDenied):
        record(alice, organisation=partner_b)


def test_a_donor_and_an_anonymous_user_record_nothing(donor_user):
    from django.contrib.auth.models import AnonymousUser

    for user in (donor_user, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            record(user)
    assert not CapacityEvent.objects.exists()


def test_the_project_must_be_one_the_organisation_implements(alice, officer, partner_a):
    foreign = ProjectFactory(code="OTHER", donor=DonorFactory(slug="d2"), partners=[])
    with pytest.raises(PermissionDenied):  # alice does not even see it
        record(alice, project=foreign)
    with pytest.raises(ValidationError) as error:  # an officer for A: A is not a partner of it
        record(officer, organisation=partner_a, project=foreign)
    assert "project" in error.value.message_dict
    assert record(officer, project=foreign).project == foreign  # IOM runs it itself


def test_the_event_falls_within_its_project(alice, project):
    with pytest.raises(ValidationError) as error:
        record(alice, project=project, start=datetime.date(2022, 12, 31))
    assert "project" in error.value.message_dict


def test_counts_are_checked(alice):
    with pytest.raises(ValidationError):
        record(alice, counts={})
    with pytest.raises(ValidationError):
        record(alice, counts={"government": {"F": -1, "M": 3}})
    with pytest.raises(ValidationError):
        record(alice, counts={"army": {"F": 1}})
    with pytest.raises(ValidationError):
        record(alice, end=DAY - datetime.timedelta(days=1))
    assert not CapacityEvent.objects.exists()


def test_named_participants_are_within_the_counts(alice):
    named = [
        {"name": "Dr Amal", "sex": "F", "institution": "government", "function": "Médecin"},
        {"name": "Karim", "sex": "F", "institution": "government"},
    ]
    event = record(alice, counts={"government": {"F": 2}}, participants=named)
    assert list(event.participants.values_list("name", flat=True)) == ["Dr Amal", "Karim"]
    with pytest.raises(ValidationError) as error:
        record(alice, counts={"government": {"F": 1, "M": 5}}, participants=named)
    assert "nommé" in str(error.value)
    with pytest.raises(ValidationError):  # a name without a sex counts under "unknown"
        record(alice, participants=[{"name": "Sami", "institution": "government"}])


def test_names_never_enter_the_audit_trail_and_leave_with_the_update(alice):
    event = record(
        alice, participants=[{"name": "Dr Amal", "sex": "F", "institution": "government"}]
    )
    updated = services.capacity_event_update(
        event=event, acting_user=alice, expected_version=1, participants=[], title="PSS 2"
    )
    assert updated.version == 2 and updated.title == "PSS 2"
    assert not EventParticipant.objects.exists()
    trail = AuditEntry.objects.filter(model="capacity.capacityevent")
    assert "Dr Amal" not in str(list(trail.values_list("changes", flat=True)))
    assert trail.get(action="update").changes["participants"] == [1, 0]


def test_an_update_keeps_the_names_within_the_new_counts(alice):
    event = record(
        alice, participants=[{"name": "Dr Amal", "sex": "F", "institution": "government"}]
    )
    with pytest.raises(ValidationError):
        services.capacity_event_update(
            event=event, acting_user=alice, counts={"government": {"M": 3}}
        )
    event.refresh_from_db()
    assert event.government_f == 2


def test_only_the_organisation_and_officers_change_an_event(
    alice, bob, charlie, officer, donor_user
):
    event = record(alice)
    for outsider in (charlie, donor_user):
        with pytest.raises(PermissionDenied):
            services.capacity_event_update(event=event, acting_user=outsider, title="X")
        with pytest.raises(PermissionDenied):
            services.capacity_event_delete(event=event, acting_user=outsider)
    services.capacity_event_update(event=event, acting_user=bob, title="par Bob")
    services.capacity_event_update(event=event, acting_user=officer, title="par l'OIM")
    with pytest.raises(ConflictError):
        services.capacity_event_update(
            event=event, acting_user=alice, expected_version=1, title="ancien"
        )
    services.capacity_event_delete(event=event, acting_user=officer)
    assert not CapacityEvent.objects.exists()
    assert AuditEntry.objects.filter(
        model="capacity.capacityevent", object_id=str(event.pk), action="delete"
    ).exists()
