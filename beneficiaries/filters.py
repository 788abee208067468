"""The one FilterSet of beneficiaries: used by the HTML list and the API alike."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beneficiaries import hooks
from beneficiaries.choices import Sex, Vulnerability
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiary_search
from core.filters import OrderingFilter


class AgeGroup:
    CHILD = "minor"
    ADULT = "adult"
    UNKNOWN = "unknown"
    CHOICES = [(CHILD, _("Mineur·e")), (ADULT, _("Adulte")), (UNKNOWN, _("Âge inconnu"))]


def _birth_cutoff(today: datetime.date) -> datetime.date:
    """People born after this date are minors today."""
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


class BeneficiaryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou référence"), method="filter_q")
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sexe"))
    age_group = django_filters.ChoiceFilter(
        choices=AgeGroup.CHOICES, label=_("Âge"), method="filter_age_group"
    )
    nationality = django_filters.CharFilter(label=_("Nationalité"), method="filter_nationality")
    city = django_filters.CharFilter(field_name="city__code", label=_("Ville"))
    vulnerability = django_filters.ChoiceFilter(
        choices=Vulnerability.choices, label=_("Vulnérabilité"), method="filter_vulnerability"
    )
    is_migrant = django_filters.BooleanFilter(label=_("Migrant·e"))
    assisted_from = django_filters.DateFilter(
        label=_("Assisté·e depuis le"), method="filter_assisted"
    )
    assisted_to = django_filters.DateFilter(label=_("Assisté·e jusqu'au"), method="filter_assisted")
    registered_from = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="gte", label=_("Enregistré·e depuis le")
    )
    registered_to = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="lte", label=_("Enregistré·e jusqu'au")
    )
    ordering = OrderingFilter(
        fields=(
            ("last_name", "last_name"),
            ("first_name", "first_name"),
            ("registered_on", "registered_on"),
            ("date_of_birth", "date_of_birth"),
            ("beneficiary_ref", "beneficiary_ref"),
        ),
        field_labels={
            "last_name": pgettext_lazy("nom de famille", "Nom"),
            "first_name": _("Prénom"),
            "registered_on": _("Enregistré·e le"),
            "date_of_birth": _("Date de naissance"),
            "beneficiary_ref": _("Référence"),
        },
        label=_("Tri"),
    )

    class Meta:
        model = Beneficiary
        fields = ["sex", "nationality", "city", "is_migrant"]

    def filter_q(self, queryset, name, value):
        user = self.request.user if self.request else None
        return beneficiary_search(user=user, query=value, queryset=queryset)

    def filter_nationality(self, queryset, name, value):
        return queryset.filter(nationality=value.strip().upper())

    def filter_vulnerability(self, queryset, name, value):
        return queryset.filter(vulnerabilities__contains=[value])

    def filter_age_group(self, queryset, name, value):
        cutoff = _birth_cutoff(timezone.localdate())
        # Estimated birth date for a birth year alone is 1 July (DESIGN.md section 3).
        estimated_minor_year = cutoff.year + (1 if cutoff >= cutoff.replace(month=7, day=1) else 0)
        minor = Q(date_of_birth__gt=cutoff) | Q(
            date_of_birth__isnull=True, birth_year__gte=estimated_minor_year
        )
        unknown = Q(date_of_birth__isnull=True, birth_year__isnull=True)
        if value == AgeGroup.CHILD:
            return queryset.filter(minor)
        if value == AgeGroup.UNKNOWN:
            return queryset.filter(unknown)
        return queryset.exclude(minor).exclude(unknown)

    def filter_assisted(self, queryset, name, value):
        # Both bounds are applied together, once, by filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start = self.form.cleaned_data.get("assisted_from")
        end = self.form.cleaned_data.get("assisted_to")
        if start or end:
            # Only the assistances the viewer may see: a partner the person was referred to
            # must not find them through the sender's dates.
            user = self.request.user if self.request else None
            queryset = hooks.assisted_between(queryset, user=user, start=start, end=end)
        return queryset
