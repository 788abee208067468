"""What the database itself refuses of an event, and who sees events and their names."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from capacity.choices import COUNT_FIELDS
from capacity.models import CapacityEvent, EventParticipant
from tests.capacity.factories import CapacityEventFactory


@pytest.mark.parametrize("field", COUNT_FIELDS)
def test_the_database_refuses_a_negative_count(partner_a, field):
    event = CapacityEventFactory(organisation=partner_a, government_f=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityEvent.objects.filter(pk=event.pk).update(**{field: -1})


def test_the_database_refuses_an_event_without_participants(partner_a):
    event = CapacityEventFactory(organisation=partner_a, government_f=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityEvent.objects.filter(pk=event.pk).update(government_f=0)


def test_the_database_refuses_an_end_before_the_start(partner_a):
    event = CapacityEventFactory(organisation=partner_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityEvent.objects.filter(pk=event.pk).update(end=datetime.date(2023, 5, 9))


def test_the_database_refuses_an_unknown_kind_and_institution(partner_a):
    event = CapacityEventFactory(organisation=partner_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityEvent.objects.filter(pk=event.pk).update(kind="party")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventParticipant.objects.create(event=event, name="X", institution="church")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventParticipant.objects.create(event=event, name="X", institution="iom", sex="X")


def test_events_are_seen_by_their_organisation_and_officers_only(
    partner_a, alice, bob, charlie, officer, donor_user
):
    event = CapacityEventFactory(organisation=partner_a)
    named = EventParticipant.objects.create(event=event, name="Dr Amal", institution="iom")
    for user, sees in ((alice, True), (bob, True), (officer, True), (charlie, False)):
        assert CapacityEvent.objects.visible_to(user).filter(pk=event.pk).exists() is sees
        assert EventParticipant.objects.visible_to(user).filter(pk=named.pk).exists() is sees
    assert not CapacityEvent.objects.visible_to(donor_user).exists()
    assert not EventParticipant.objects.visible_to(donor_user).exists()
    assert not CapacityEvent.objects.visible_to(None).exists()
