"""The FilterSet of capacity-building events: used by the HTML list and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from capacity.choices import EventKind
from capacity.models import CapacityEvent


class CapacityEventFilter(django_filters.FilterSet):
    start_from = django_filters.DateFilter(field_name="start", lookup_expr="gte", label=_("Du"))
    start_to = django_filters.DateFilter(field_name="start", lookup_expr="lte", label=_("Au"))
    project = django_filters.CharFilter(field_name="project__code", label=_("Projet"))
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("Type d'événement"))
    city = django_filters.CharFilter(field_name="city__code", label=_("Ville"))
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Organisation")
    )

    class Meta:
        model = CapacityEvent
        fields = ["start_from", "start_to", "project", "kind", "city", "organisation"]
