"""The FilterSets of the case-work API: cases (`status`, `risk_level`, `assigned_to`,
`beneficiary`) and follow-ups (`due_before`, `assignee`, `done`, `case`). `assigned_to` and
`assignee` take a user id or `me`, the requesting user."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseStatus, RiskLevel
from cases.models import Case, FollowUp

ME = "me"
MAX_ID = 2**31 - 1


class UserOrMeField(forms.CharField):
    """`me` or a user's id (digits)."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        if value == ME or (value.isdigit() and int(value) <= MAX_ID):
            return value
        raise forms.ValidationError(
            _("Indiquez « me » ou l'identifiant d'un·e utilisateur·rice."), code="invalid"
        )


class UserOrMeFilter(django_filters.CharFilter):
    field_class = UserOrMeField

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        user = self.parent.request.user if self.parent.request else None
        user_id = getattr(user, "pk", None) if value == ME else int(value)
        return qs.filter(**{f"{self.field_name}_id": user_id})


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Statut"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risque"))
    assigned_to = UserOrMeFilter(
        field_name="assigned_to", label=_("Travailleur·se social·e (identifiant ou « me »)")
    )
    beneficiary = django_filters.NumberFilter(
        field_name="beneficiary_id",
        label=_("Bénéficiaire (identifiant)"),
        min_value=1,
        max_value=MAX_ID,
    )

    class Meta:
        model = Case
        fields = ["status", "risk_level"]


class FollowUpFilter(django_filters.FilterSet):
    """Pending follow-ups unless `done` says otherwise."""

    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lt", label=_("Échéance avant le (exclu)")
    )
    assignee = UserOrMeFilter(field_name="assignee", label=_("Responsable (identifiant ou « me »)"))
    done = django_filters.BooleanFilter(
        method="filter_done", label=_("Fait (par défaut : les suivis en attente)")
    )
    case = django_filters.NumberFilter(
        field_name="case_id", label=_("Dossier"), min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = FollowUp
        fields: list = []

    def filter_done(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also knows when it is absent

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        done = self.form.cleaned_data.get("done")
        if done is None:
            return queryset.pending()
        return queryset.filter(done_on__isnull=not done)
