"""Forms of the assistance pages, and what the other aggregates' forms share (category then
type, the project of an entry). They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import SUBTYPES, Category, Outcome, Status, subtype_choices
from assistance.selectors import open_projects, projects_for_entry
from core.forms import EMPTY_CHOICE_LABEL, AccessibleFormMixin, CountryField, DateInput


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


def project_field(user):
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

        self.fields["project"] = project_field(user)
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

        self.fields["project"] = project_field(user)
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
