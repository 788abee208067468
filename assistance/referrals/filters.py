"""The FilterSet of referrals: used by the inbox and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category, Outcome, ReferralStatus
from assistance.referrals.models import Referral, overdue_condition
from partners.access import actor_for


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, label=_("Statut"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Issue"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Catégorie"))
    direction = django_filters.ChoiceFilter(
        choices=[("received", _("Reçus")), ("sent", _("Envoyés"))],
        label=_("Sens"),
        method="filter_direction",
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("En retard")), ("0", _("Dans les délais"))],
        label=_("Réponse"),
        method="filter_overdue",
        help_text=_("En retard : toujours sans réponse du partenaire après la date attendue."),
    )
    referred_from = django_filters.DateFilter(
        field_name="referred_on", lookup_expr="gte", label=_("Du")
    )
    referred_to = django_filters.DateFilter(
        field_name="referred_on", lookup_expr="lte", label=_("Au")
    )

    class Meta:
        model = Referral
        fields = ["status", "outcome", "category"]

    def filter_direction(self, queryset, name, value):
        organisation_id = actor_for(self.request.user if self.request else None).organisation_id
        if value == "received":
            return queryset.filter(to_organisation_id=organisation_id)
        return queryset.filter(from_organisation_id=organisation_id)

    def filter_overdue(self, queryset, name, value):
        if value == "1":
            return queryset.filter(overdue_condition())
        return queryset.exclude(overdue_condition())
