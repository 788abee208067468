"""Forms of referrals: send, decline (with a reason), record the outcome."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category, DeclineReason, Outcome
from assistance.forms import preselect_project, project_field
from assistance.referrals.models import Referral, decline_errors
from core.forms import AccessibleFormMixin, DateInput
from partners.access import actor_for
from partners.models import Organisation


def referral_destinations(user):
    actor = actor_for(user)
    return Organisation.objects.record_keepers().exclude(pk=actor.organisation_id).order_by("name")


class ReferralForm(AccessibleFormMixin, forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Partenaire destinataire"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    to_structure = forms.CharField(
        label=_("ou structure de santé publique"),
        max_length=200,
        required=False,
        help_text=_(
            "Hôpital, centre de santé… quand la personne n'est pas référée à un partenaire."
        ),
    )
    category = forms.ChoiceField(label=_("Besoin"), choices=Category.choices)
    reason = forms.CharField(
        label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label=_("La personne a donné son consentement à être référée"),
        help_text=_(
            "Pour un partenaire, ce consentement au partage est inscrit sur sa fiche "
            "(rubrique Consentements), d'où elle peut le retirer."
        ),
        required=True,
        error_messages={"required": _("Le consentement de la personne est requis.")},
    )
    referred_on = forms.DateField(label=_("Date"), widget=DateInput)
    response_due_on = forms.DateField(
        label=_("Réponse attendue le"),
        required=False,
        widget=DateInput,
        help_text=_(
            "Pour un partenaire. Laissé vide : %(days)s jours ouvrés (du lundi au vendredi) "
            "après la date du référencement."
        ),
    )
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = referral_destinations(user)
        self.fields["project"] = project_field(user)
        preselect_project(self, user)
        self.fields["referred_on"].initial = timezone.localdate()
        self.fields["response_due_on"].help_text = self.fields["response_due_on"].help_text % {
            "days": settings.REFERRAL_RESPONSE_WORKING_DAYS
        }

    def clean(self):
        data = super().clean()
        # The model's own rules (a partner or a structure, not both…), asked now so that every
        # mistake shows at once; the service checks them again whatever the path.
        draft = Referral(
            to_organisation=data.get("to_organisation"),
            to_structure=data.get("to_structure") or "",
            consent=bool(data.get("consent")),
            referred_on=data.get("referred_on"),
            response_due_on=data.get("response_due_on"),
        )
        try:
            draft.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return data


class DeclineForm(AccessibleFormMixin, forms.Form):
    """Declining a referral: a reason the sender will read. The rule that `other` needs a
    note is the model's; the form asks it before the confirmation step."""

    decline_reason = forms.ChoiceField(
        label=_("Motif du refus"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    decline_note = forms.CharField(
        label=_("Précisions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoires pour « Autre ». L'organisation d'origine les lira."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decline_reason"):
            errors = decline_errors(data["decline_reason"], data.get("decline_note", ""))
            for field, message in errors.items():
                self.add_error(field, message)
        return data


class OutcomeForm(AccessibleFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING],
    )
    outcome_on = forms.DateField(label=_("Date de l'issue"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_on"].initial = timezone.localdate()
