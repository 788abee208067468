"""Capacity-building events for tests: saved directly (the services have their own tests)."""

import datetime

import factory

from capacity.choices import EventKind
from capacity.models import CapacityEvent
from tests.partners.factories import OrganisationFactory, city


class CapacityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapacityEvent

    organisation = factory.SubFactory(OrganisationFactory)
    city = factory.LazyFunction(lambda: city("oujda"))
    kind = EventKind.TRAINING
    title = factory.Sequence(lambda n: f"Formation {n}")
    start = datetime.date(2023, 5, 10)
    government_f = 1
