"""The FilterSet of assistances: used by the HTML list and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category, Outcome, Status, subtype_choices
from assistance.models import Assistance
from core.filters import OrderingFilter


class AssistanceFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Catégorie"))
    subtype = django_filters.ChoiceFilter(choices=subtype_choices(), label=_("Type"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Statut"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Issue"))
    delivered_from = django_filters.DateFilter(
        field_name="delivered_on", lookup_expr="gte", label=_("Du")
    )
    delivered_to = django_filters.DateFilter(
        field_name="delivered_on", lookup_expr="lte", label=_("Au")
    )
    project = django_filters.CharFilter(field_name="project__code", label=_("Projet"))
    provider = django_filters.CharFilter(field_name="provider__slug", label=_("Prestataire"))
    city = django_filters.CharFilter(field_name="city__code", label=_("Ville"))
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Pays"))
    beneficiary = django_filters.NumberFilter(field_name="beneficiary_id", label=_("Bénéficiaire"))
    ordering = OrderingFilter(
        fields=(
            ("delivered_on", "delivered_on"),
            ("category", "category"),
            ("created_at", "created_at"),
        ),
        field_labels={
            "delivered_on": _("Date"),
            "category": _("Catégorie"),
            "created_at": _("Saisie le"),
        },
        label=_("Tri"),
    )

    class Meta:
        model = Assistance
        fields = [
            "category",
            "subtype",
            "status",
            "outcome",
            "project",
            "provider",
            "city",
            "country",
            "beneficiary",
        ]
