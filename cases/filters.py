"""The FilterSet of cases: used by the HTML list and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseStatus, RiskLevel
from cases.models import Case, FollowUp
from core import clock


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Statut"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risque"))
    assigned_to = django_filters.NumberFilter(
        field_name="assigned_to_id", label=_("Travailleur·se social·e")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Suivis en retard"))

    class Meta:
        model = Case
        fields = ["status", "risk_level", "assigned_to", "overdue"]

    def filter_overdue(self, queryset, name, value):
        """Cases with (or, `false`, without) a pending follow-up past its due date."""
        if value is None:
            return queryset
        late = FollowUp.objects.overdue(clock.today()).filter(case=OuterRef("pk"))
        return queryset.filter(Exists(late)) if value else queryset.exclude(Exists(late))
