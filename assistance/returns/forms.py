"""Forms of return cases: open, move on, record reintegration support."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import (
    RETURN_STAGE_ORDER,
    Category,
    ReturnDirection,
    ReturnStage,
    subtype_choices,
)
from assistance.forms import preselect_project, project_field
from core.forms import AccessibleFormMixin, CountryField, DateInput


class ReturnCaseOpenForm(AccessibleFormMixin, forms.Form):
    direction = forms.ChoiceField(
        label=_("Sens"), choices=ReturnDirection.choices, widget=forms.RadioSelect
    )
    country = CountryField(
        label=_("Pays de retour"), help_text=_("Ou, pour un retour au Maroc, le pays quitté.")
    )
    opened_on = forms.DateField(label=_("Ouvert le"), widget=DateInput)
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"] = project_field(user)
        preselect_project(self, user)
        self.fields["opened_on"].initial = timezone.localdate()
        self.fields["direction"].initial = ReturnDirection.FROM_MOROCCO


class ReturnAdvanceForm(AccessibleFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Nouvelle étape"))
    on = forms.DateField(label=_("Date"), widget=DateInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        index = RETURN_STAGE_ORDER.index(case.stage) if case.stage in RETURN_STAGE_ORDER else -1
        following = RETURN_STAGE_ORDER[index + 1 :]
        self.fields["stage"].choices = [(s, ReturnStage(s).label) for s in following] + [
            (ReturnStage.CANCELLED, ReturnStage.CANCELLED.label)
        ]
        if following:
            self.fields["stage"].initial = following[0]
        self.fields["on"].initial = timezone.localdate()


class ReintegrationForm(AccessibleFormMixin, forms.Form):
    subtype = forms.ChoiceField(
        label=_("Assistance à la réintégration"), choices=subtype_choices(Category.REINTEGRATION)
    )
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput)
    value_mad = forms.DecimalField(
        label=_("Valeur (MAD)"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()
