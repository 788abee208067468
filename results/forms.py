"""Forms of the project pages: frameworks tagging, expected results, targets, the import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin, PlaceChoiceField
from frameworks.models import Axis, FrameworkObjective
from partners.models import City, Organisation
from reporting.models import Indicator
from results.models import ExpectedResult


class ProjectFrameworksForm(AccessibleFormMixin, forms.Form):
    axes = forms.ModelMultipleChoiceField(
        label=_("Axes d'intervention"),
        queryset=Axis.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectifs (ODD, PMM, SNIA)"),
        queryset=FrameworkObjective.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ExpectedResultForm(AccessibleFormMixin, forms.Form):
    statement_fr = forms.CharField(
        label=_("Résultat attendu (français)"),
        max_length=500,
        help_text=_("Par exemple : « Ces bénéficiaires auront accès à une assistance médicale »."),
    )
    statement_en = forms.CharField(
        label=_("Résultat attendu (anglais)"), max_length=500, required=False
    )
    statement_ar = forms.CharField(
        label=_("Résultat attendu (arabe)"), max_length=500, required=False
    )
    ordering = forms.IntegerField(label=_("Ordre"), min_value=1, max_value=999, required=False)


class TargetForm(AccessibleFormMixin, forms.Form):
    """A target of one of the project's expected results; partner and city choices are the
    project's own."""

    result = forms.ModelChoiceField(
        label=_("Résultat attendu"), queryset=ExpectedResult.objects.none()
    )
    indicator = forms.ModelChoiceField(label=_("Indicateur"), queryset=Indicator.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tout le projet"),
        help_text=_("Pour une cible propre à un partenaire ; vide : tous les partenaires."),
    )
    city = PlaceChoiceField(
        label=_("Ville"),
        queryset=City.objects.none(),
        required=False,
        empty_label=_("Toutes les villes"),
        help_text=_("Pour une cible propre à une ville ; vide : toutes les villes."),
    )
    baseline = forms.IntegerField(label=_("Valeur de référence"), min_value=0, initial=0)
    target_total = forms.IntegerField(label=_("Valeur cible (total)"), min_value=1)
    target_female = forms.IntegerField(
        label=_("Dont femmes et filles"), min_value=0, required=False
    )
    target_male = forms.IntegerField(label=_("Dont hommes et garçons"), min_value=0, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        results = ExpectedResult.objects.filter(project=project)
        self.fields["result"].queryset = results
        # A project with one expected result: the target is for it (nothing to choose).
        if not self.initial.get("result"):
            only = list(results[:2])
            if len(only) == 1:
                self.initial["result"] = only[0].pk
        self.fields["indicator"].queryset = Indicator.objects.active()
        self.fields["organisation"].queryset = project.partners.order_by("name")
        cities = project.cities.all()
        self.fields["city"].queryset = cities if cities.exists() else City.objects.all()

    def clean(self):
        data = super().clean()
        total = data.get("target_total")
        female, male = data.get("target_female"), data.get("target_male")
        if total and (female or 0) + (male or 0) > total:
            self.add_error(
                "target_male" if male is not None else "target_female",
                _("Femmes et hommes ensemble dépassent la valeur cible totale."),
            )
        return data


class TargetImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Fichier des valeurs cibles (CSV ou XLSX)"),
        help_text=_(
            "Colonnes : result, indicator, baseline, target, target_female, target_male, "
            "organisation, city. Tout ou rien : une seule ligne fautive et rien n'est importé."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Vérifier seulement, sans rien enregistrer"), required=False
    )
