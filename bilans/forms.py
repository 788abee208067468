"""Forms of the bilans pages (IOM officers)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bilans.models import LANGUAGES
from core.forms import ALL_CHOICES_LABEL
from partners.choices import OrganisationKind
from partners.models import Organisation, Project
from reporting.periods import parse_period, period_between


class PeriodFormMixin:
    """`period` (2023-Q2, 2023, 2023-05) or `start` and `end`: one Period in cleaned_data."""

    def clean(self):
        data = super().clean()
        text, start, end = data.get("period"), data.get("start"), data.get("end")
        try:
            if text and (start or end):
                raise ValidationError(_("Donnez une période ou des dates, pas les deux."))
            if text:
                data["period_value"] = parse_period(text)
            elif start and end:
                data["period_value"] = period_between(start, end)
            else:
                raise ValidationError(
                    _("Donnez une période (ex. 2025-Q1) ou une date de début et de fin.")
                )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


def _project_field():
    return forms.ModelChoiceField(
        label=_("Projet"), queryset=Project.objects.select_related("donor").order_by("code")
    )


class BilanRequestForm(PeriodFormMixin, forms.Form):
    project = _project_field()
    period = forms.CharField(
        label=_("Période"),
        required=False,
        help_text=_("Trimestre (2025-Q1), année (2025) ou mois (2025-03)."),
    )
    start = forms.DateField(
        label=_("ou du"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("au"), required=False, widget=forms.DateInput({"type": "date"}))
    organisation = forms.ModelChoiceField(
        label=_("Limiter au partenaire"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.PARTNER).order_by("name"),
        empty_label=ALL_CHOICES_LABEL,
    )
    language = forms.ChoiceField(label=_("Langue du bilan"), choices=LANGUAGES, initial="fr")


class MissionBilanRequestForm(PeriodFormMixin, forms.Form):
    """The mission's bilan: a year (or any period, or two dates) and a language. Used with
    the prefix "mission" (ids `id_mission-period`, `id_mission-start`, `id_mission-end`,
    `id_mission-language`) on the bilans page, beside the project bilan's form."""

    prefix = "mission"

    period = forms.CharField(
        label=_("Année"),
        required=False,
        help_text=_(
            "Une année (2025), ou une autre période : trimestre (2025-Q1), mois (2025-03)."
        ),
    )
    start = forms.DateField(
        label=_("ou du"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("au"), required=False, widget=forms.DateInput({"type": "date"}))
    language = forms.ChoiceField(label=_("Langue du bilan"), choices=LANGUAGES, initial="fr")


class PeriodCloseForm(PeriodFormMixin, forms.Form):
    project = _project_field()
    period = forms.CharField(label=_("Période"), required=False, help_text=_("Ex. 2025-Q1."))
    start = forms.DateField(
        label=_("ou du"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("au"), required=False, widget=forms.DateInput({"type": "date"}))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"), widget=forms.Textarea({"rows": 2}), max_length=1000
    )


class PortalPeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Période"),
        required=False,
        help_text=_("Ex. 2025-Q1, 2025 ; vide : tout le projet."),
    )

    def clean_period(self):
        text = self.cleaned_data.get("period")
        return parse_period(text) if text else None
