"""The form of a group session: its participants and its anonymous headcounts."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category
from assistance.forms import CategorySubtypeMixin, preselect_project, project_field
from beneficiaries.models import Beneficiary
from core.forms import EMPTY_CHOICE_LABEL, AccessibleFormMixin, DateInput, PlaceChoiceField
from partners.models import City


class ParticipantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ActivityForm(CategorySubtypeMixin, AccessibleFormMixin, forms.Form):
    """A group session or distribution, recorded once for every selected participant."""

    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", EMPTY_CHOICE_LABEL), *Category.choices]
    )
    subtype = forms.ChoiceField(label=_("Type"))
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        help_text=_("Par exemple : Sensibilisation santé maternelle, quartier Lazaret."),
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None)
    city = PlaceChoiceField(label=_("Ville"), queryset=City.objects.all(), required=False)
    participants = ParticipantsField(
        label=_("Participant·es enregistré·es"),
        queryset=Beneficiary.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Attendees who are not registered: counted in the activity's headcounts only.
    women = forms.IntegerField(label=_("Femmes"), min_value=0, required=False)
    girls = forms.IntegerField(label=_("Filles"), min_value=0, required=False)
    men = forms.IntegerField(label=_("Hommes"), min_value=0, required=False)
    boys = forms.IntegerField(label=_("Garçons"), min_value=0, required=False)
    unknown = forms.IntegerField(label=_("Sexe ou âge inconnu"), min_value=0, required=False)
    HEADCOUNTS = ("women", "girls", "men", "boys", "unknown")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.HEADCOUNTS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "placeholder": "0"})
        self.fields["project"] = project_field(user)
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["held_on"].widget.attrs["max"] = today.isoformat()
        preselect_project(self, user, on=today)
        self.fields["participants"].queryset = (
            Beneficiary.objects.visible_to(user).active().select_related("city")
        )
        self.setup_category(reverse("assistance:subtype_options"))

    def anonymous_headcounts(self) -> dict[str, int]:
        return {name: self.cleaned_data.get(name) or 0 for name in self.HEADCOUNTS}
