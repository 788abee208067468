"""Filters of the reporting pages."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import ALL_CHOICES_LABEL, AccessibleFormMixin
from partners.choices import OrganisationKind
from partners.models import City, Organisation, Project
from reporting.engine import Scope
from reporting.models import Indicator, Source
from reporting.periods import Period, parse_period

POPULATION_CHOICES = [
    ("all", ALL_CHOICES_LABEL),
    ("migrant", _("Migrant·es")),
    ("national", _("Ressortissant·es marocain·es")),
]


class ReportFilterForm(AccessibleFormMixin, forms.Form):
    """Project, period (a quarter/year, or two dates), partner, city, population.

    Bound to request.GET; `scope()` and `period()` give what the engine needs. Without a
    period, the project's whole duration (or the current year without a project) is used.
    """

    project = forms.ModelChoiceField(
        label=_("Projet"),
        queryset=Project.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=ALL_CHOICES_LABEL,
    )
    period = forms.CharField(
        label=_("Période"),
        required=False,
        help_text=_("2024, 2024-Q2 ou 2024-05 ; sinon les dates ci-dessous."),
    )
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    partner = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.PARTNER, OrganisationKind.IOM]
        ).order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=ALL_CHOICES_LABEL,
    )
    city = forms.ModelChoiceField(
        label=_("Ville"),
        queryset=City.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=ALL_CHOICES_LABEL,
    )
    population = forms.ChoiceField(
        label=_("Population"), choices=POPULATION_CHOICES, required=False
    )

    def clean(self):
        data = super().clean()
        text = (data.get("period") or "").strip()
        start, end = data.get("start"), data.get("end")
        try:
            if text:
                data["resolved_period"] = parse_period(text)
            elif start or end:
                if not (start and end):
                    raise ValidationError(_("Donnez les deux dates, ou une période."))
                data["resolved_period"] = Period(start, end)
            elif data.get("project"):
                project = data["project"]
                data["resolved_period"] = Period(project.start, project.end)
            else:
                year = clock.today().year
                data["resolved_period"] = Period(
                    datetime.date(year, 1, 1), datetime.date(year, 12, 31)
                )
        except ValidationError as exc:
            self.add_error("period", exc)
        return data

    def get_period(self) -> Period:
        return self.cleaned_data["resolved_period"]

    def get_scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            project_id=data["project"].pk if data.get("project") else None,
            organisation_id=data["partner"].pk if data.get("partner") else None,
            city_id=data["city"].pk if data.get("city") else None,
            population=data.get("population") or "all",
        )


class DrilldownForm(ReportFilterForm):
    """The filters of a figure, plus which figure: indicator, cell (sex class), age band."""

    # The drill-down lists assistances: indicators of case openings and closures have none.
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.filter(source=Source.ASSISTANCES),
        to_field_name="code",
        label=_("Indicateur"),
    )
    # Labelled for the page that says which part of a bad link is wrong.
    cell = forms.ChoiceField(
        label=_("Sexe et âge"),
        required=False,
        choices=[(c, c) for c in ("total", "women", "girls", "men", "boys", "unknown")],
    )
    band = forms.CharField(label=_("Tranche d'âge"), required=False, max_length=10)
    country = forms.RegexField(label=_("Pays"), regex=r"^[A-Z]{2}$", required=False)
    sex = forms.ChoiceField(
        label=_("Sexe"), required=False, choices=[(s, s) for s in ("F", "M", "unknown")]
    )
    subtype = forms.SlugField(label=_("Type"), required=False, max_length=32)


FIRST_YEAR = 2014  # the oldest reference document (M4SD fact sheet, 2014–2023)


class MissionYearForm(AccessibleFormMixin, forms.Form):
    """The year of the mission dashboard: the current year unless another is chosen."""

    year = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = clock.today().year
        self.fields["year"].choices = [(y, str(y)) for y in range(current, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = current

    def get_year(self) -> int:
        return self.cleaned_data.get("year") or clock.today().year
