"""Forms of the capacity-building pages: the event with its grid of counts, and its named
participants. They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.selectors import projects_for_entry
from capacity.choices import SEX_KEYS, EventKind, Institution, ParticipantSex, count_field
from capacity.models import MAX_COUNT, MAX_NAMED_PARTICIPANTS, CapacityEvent
from core.forms import EMPTY_CHOICE_LABEL, AccessibleFormMixin, DateInput, PlaceChoiceField
from frameworks.models import SubTheme
from partners.access import actor_for
from partners.models import City, Organisation

SEX_LABELS = {"F": _("Femmes"), "M": _("Hommes"), "unknown": _("Non renseigné")}


class CapacityEventForm(AccessibleFormMixin, forms.Form):
    """An event and its participants counted by institution × sex (one input per cell)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Type d'événement"), choices=[("", EMPTY_CHOICE_LABEL), *EventKind.choices]
    )
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        help_text=_("Par exemple : Formation aux premiers secours psychologiques, CHU Oujda."),
    )
    start = forms.DateField(label=_("Date (début)"), widget=DateInput)
    end = forms.DateField(label=_("Fin"), widget=DateInput, required=False)
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None, required=False)
    city = PlaceChoiceField(label=_("Ville"), queryset=City.objects.all())
    sub_theme = forms.ModelChoiceField(
        label=_("Sous-thématique"),
        queryset=SubTheme.objects.filter(is_active=True).select_related("axis"),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_for_entry(user=user)
        if actor_for(user).sees_everything:
            self.fields["organisation"].queryset = Organisation.objects.record_keepers()
            self.fields["organisation"].help_text = _("Vide : l'OIM.")
        else:
            del self.fields["organisation"]
        for institution in Institution.values:
            for sex in SEX_KEYS:
                self.fields[count_field(institution, sex)] = forms.IntegerField(
                    label=f"{Institution(institution).label} — {SEX_LABELS[sex]}",
                    min_value=0,
                    max_value=MAX_COUNT,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"inputmode": "numeric", "placeholder": "0", "class": "count"}
                    ),
                )

    def count_rows(self):
        """The grid of counts for the template: (institution label, [bound fields F, M, ?])."""
        return [
            (label, [self[count_field(code, sex)] for sex in SEX_KEYS])
            for code, label in Institution.choices
        ]

    def sex_headers(self):
        return [SEX_LABELS[sex] for sex in SEX_KEYS]

    def counts(self) -> dict[str, dict[str, int]]:
        data = self.cleaned_data
        return {
            institution: {sex: data.get(count_field(institution, sex)) or 0 for sex in SEX_KEYS}
            for institution in Institution.values
        }

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("kind", "title", "start", "end", "project", "city", "sub_theme", "notes")
        }
        fields["counts"] = self.counts()
        return fields

    @staticmethod
    def initial_for(event: CapacityEvent) -> dict:
        initial = {
            "organisation": event.organisation_id,
            "kind": event.kind,
            "title": event.title,
            "start": event.start,
            "end": event.end,
            "project": event.project_id,
            "city": event.city_id,
            "sub_theme": event.sub_theme_id,
            "notes": event.notes,
            "version": event.version,
        }
        for institution in Institution.values:
            for sex in SEX_KEYS:
                value = event.count(institution, sex)
                initial[count_field(institution, sex)] = value or None
        return initial


class ParticipantForm(AccessibleFormMixin, forms.Form):
    """A named participant (a professional, not a beneficiary)."""

    name = forms.CharField(label=_("Nom"), max_length=200)
    sex = forms.ChoiceField(label=_("Sexe"), choices=ParticipantSex.choices, required=False)
    institution = forms.ChoiceField(
        label=_("Type d'institution"), choices=[("", EMPTY_CHOICE_LABEL), *Institution.choices]
    )
    organisation_name = forms.CharField(label=_("Structure"), max_length=200, required=False)
    function = forms.CharField(label=_("Fonction"), max_length=200, required=False)


ParticipantFormSet = forms.formset_factory(
    ParticipantForm,
    extra=2,
    can_delete=True,
    max_num=MAX_NAMED_PARTICIPANTS,
    absolute_max=MAX_NAMED_PARTICIPANTS,
    validate_max=True,
)


def participant_rows(formset) -> list[dict]:
    """The participants the formset keeps (filled in, not marked for deletion)."""
    return [
        {name: form.cleaned_data.get(name, "") for name in ParticipantForm.base_fields}
        for form in formset.forms
        if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
    ]


def participants_initial(event: CapacityEvent) -> list[dict]:
    return list(
        event.participants.values("name", "sex", "institution", "organisation_name", "function")
    )
