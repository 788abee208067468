"""Forms of the assistance pages. They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import (
    RETURN_STAGE_ORDER,
    SUBTYPES,
    Category,
    DeclineReason,
    Outcome,
    ReturnDirection,
    ReturnStage,
    Status,
    subtype_choices,
)
from assistance.models import Referral, decline_errors
from assistance.selectors import open_projects, projects_for_entry
from beneficiaries.models import Beneficiary
from core.forms import (
    EMPTY_CHOICE_LABEL,
    AccessibleFormMixin,
    CountryField,
    DateInput,
    PlaceChoiceField,
)
from partners.access import actor_for
from partners.models import City, Organisation


def grouped_subtype_choices(category: str | None = None):
    """Subtypes of one category, or all of them grouped by category (the no-JS fallback)."""
    if category in SUBTYPES:
        return [("", EMPTY_CHOICE_LABEL)] + subtype_choices(category)
    return [("", _("— Choisir d'abord la catégorie —"))] + [
        (label, subtype_choices(code)) for code, label in Category.choices
    ]


class CategorySubtypeMixin:
    """Category then its subtypes: HTMX narrows the subtype list when the category changes."""

    def setup_category(self, subtypes_url: str, prefix: str = ""):
        category = self.data.get(self.add_prefix("category")) if self.is_bound else None
        category = category or self.initial.get("category")
        self.fields["subtype"].choices = grouped_subtype_choices(category)
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": subtypes_url,
                "hx-target": f"#{self['subtype'].auto_id}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
                # The type already picked stays picked if it belongs to the new category.
                "hx-include": f"#{self['subtype'].auto_id}",
            }
        )

    def clean(self):
        data = super().clean()
        category, subtype = data.get("category"), data.get("subtype")
        if category and subtype and subtype not in SUBTYPES.get(category, ()):
            self.add_error("subtype", _("Ce type n'appartient pas à la catégorie choisie."))
        return data


def _project_field(user):
    return forms.ModelChoiceField(
        label=_("Projet"), queryset=projects_for_entry(user=user), required=False
    )


def preselect_project(form, user, on=None) -> None:
    """Preselect the organisation's only open project. With several, preselect none and ask:
    a record must not land silently in the first project of the list."""
    candidates = list(open_projects(user=user, on=on)[:2])
    if len(candidates) == 1:
        form.fields["project"].initial = candidates[0].pk
    elif candidates:
        form.fields["project"].help_text = _(
            "Votre organisation a plusieurs projets en cours : choisissez celui qui finance "
            "cette saisie."
        )


class QuickAssistanceForm(CategorySubtypeMixin, AccessibleFormMixin, forms.Form):
    """One assistance to one person, from their file: category, type, date (today)."""

    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", EMPTY_CHOICE_LABEL), *Category.choices]
    )
    subtype = forms.ChoiceField(label=_("Type"))
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput)
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None)
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[
            (Status.DELIVERED, Status.DELIVERED.label),
            (Status.PLANNED, Status.PLANNED.label),
        ],
        initial=Status.DELIVERED,
    )
    quantity = forms.DecimalField(
        label=_("Quantité"), min_value=0, initial=1, max_digits=10, decimal_places=2
    )
    value_mad = forms.DecimalField(
        label=_("Valeur (MAD)"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    country = CountryField(
        label=_("Pays"), required=False, help_text=_("Pour un retour : le pays de retour.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, beneficiary=None, prefix="a", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        from django.urls import reverse

        self.fields["project"] = _project_field(user)
        today = timezone.localdate()
        self.fields["delivered_on"].initial = today
        if not self.initial.get("project"):
            preselect_project(self, user, on=today)
        self.fields["delivered_on"].widget.attrs["max"] = today.isoformat()
        self.setup_category(reverse("assistance:subtype_options"))

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class AssistanceEditForm(CategorySubtypeMixin, AccessibleFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Catégorie"), choices=Category.choices)
    subtype = forms.ChoiceField(label=_("Type"))
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput)
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices)
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None)
    quantity = forms.DecimalField(label=_("Quantité"), min_value=0, max_digits=10, decimal_places=2)
    value_mad = forms.DecimalField(
        label=_("Valeur (MAD)"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    country = CountryField(label=_("Pays"), required=False)
    outcome = forms.ChoiceField(
        label=_("Issue"), choices=[("", EMPTY_CHOICE_LABEL), *Outcome.choices], required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        self.fields["project"] = _project_field(user)
        self.setup_category(reverse("assistance:subtype_options"))

    @classmethod
    def initial_for(cls, assistance) -> dict:
        return {
            "category": assistance.category,
            "subtype": assistance.subtype,
            "delivered_on": assistance.delivered_on,
            "status": assistance.status,
            "project": assistance.project_id,
            "quantity": assistance.quantity,
            "value_mad": assistance.value_mad,
            "country": assistance.country,
            "outcome": assistance.outcome,
            "notes": assistance.notes,
            "version": assistance.version,
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        required=False,
        max_length=500,
        help_text=_("Par exemple : saisie en double, personne absente."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


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
        from django.urls import reverse

        for name in self.HEADCOUNTS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "placeholder": "0"})
        self.fields["project"] = _project_field(user)
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
        required=True,
        error_messages={"required": _("Le consentement de la personne est requis.")},
    )
    referred_on = forms.DateField(label=_("Date"), widget=DateInput)
    project = forms.ModelChoiceField(label=_("Projet"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = referral_destinations(user)
        self.fields["project"] = _project_field(user)
        preselect_project(self, user)
        self.fields["referred_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        # The model's own rules (a partner or a structure, not both…), asked now so that every
        # mistake shows at once; the service checks them again whatever the path.
        draft = Referral(
            to_organisation=data.get("to_organisation"),
            to_structure=data.get("to_structure") or "",
            consent=bool(data.get("consent")),
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
        self.fields["project"] = _project_field(user)
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
