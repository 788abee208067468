"""Forms of the case pages. They validate and present; the services write (and check again:
a rule a form shows, e.g. "a user of the case's organisation", lives in the service)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category
from assistance.forms import QuickAssistanceForm
from beneficiaries.choices import Vulnerability
from cases.choices import ClosureReason, GoalStatus, RiskLevel
from cases.models import planned_service_choices
from cases.services.base import CASE_HOLDER_ROLES
from cases.services.plans import open_goals_for
from core import clock
from core.forms import EMPTY_CHOICE_LABEL, AccessibleFormMixin, DateInput


def case_holders(organisation_id):
    """The active users of an organisation who may carry its cases (the services refuse
    anyone else: this only keeps the list short)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__organisation_id=organisation_id,
            membership__is_active=True,
            membership__role__in=CASE_HOLDER_ROLES,
        )
        .order_by("last_name", "first_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _today_max(field) -> None:
    field.widget.attrs["max"] = clock.today().isoformat()


class CaseOpenForm(AccessibleFormMixin, forms.Form):
    """Open a case for the person, in the user's organisation."""

    risk_level = forms.ChoiceField(
        label=_("Niveau de risque"), choices=RiskLevel.choices, initial=RiskLevel.LOW
    )
    assigned_to = UserChoiceField(
        label=_("Travailleur·se social·e"),
        queryset=None,
        required=False,
        help_text=_("Laissez vide si personne ne le suit encore."),
    )
    opened_on = forms.DateField(label=_("Ouvert le"), widget=DateInput)

    def __init__(self, *args, organisation_id, user, **kwargs):
        kwargs.setdefault("prefix", "case")
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = case_holders(organisation_id)
        self.fields["assigned_to"].initial = user.pk
        self.fields["opened_on"].initial = clock.today()
        _today_max(self.fields["opened_on"])


class AssessmentForm(AccessibleFormMixin, forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Besoins"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnérabilités"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Synthèse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assessed_on = forms.DateField(label=_("Date de l'évaluation"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "assess")
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = clock.today()
        _today_max(self.fields["assessed_on"])


class GoalForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Objectif"), max_length=200)
    services = forms.MultipleChoiceField(
        label=_("Services prévus"),
        choices=planned_service_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Une catégorie entière, ou un type précis. Plusieurs choix possibles."),
    )
    target_date = forms.DateField(label=_("Date cible"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "goal")
        super().__init__(*args, **kwargs)


class GoalStatusForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=GoalStatus.choices)

    def __init__(self, *args, goal, **kwargs):
        kwargs.setdefault("prefix", f"goal-{goal.pk}")
        kwargs.setdefault("initial", {"status": goal.status})
        super().__init__(*args, **kwargs)


class FollowUpForm(AccessibleFormMixin, forms.Form):
    due_on = forms.DateField(label=_("Échéance"), widget=DateInput)
    action = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    assignee = UserChoiceField(
        label=_("Responsable"),
        queryset=None,
        required=False,
        help_text=_("Par défaut, le ou la titulaire du dossier."),
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("prefix", "followup")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_holders(case.organisation_id)
        self.fields["due_on"].widget.attrs["min"] = case.opened_on.isoformat()


class FollowUpDoneForm(AccessibleFormMixin, forms.Form):
    result = forms.CharField(
        label=_("Résultat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    done_on = forms.DateField(label=_("Fait le"), widget=DateInput)

    def __init__(self, *args, followup, **kwargs):
        kwargs.setdefault("prefix", f"followup-{followup.pk}")
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = clock.today()
        _today_max(self.fields["done_on"])


class RiskForm(AccessibleFormMixin, forms.Form):
    risk_level = forms.ChoiceField(label=_("Niveau de risque"), choices=RiskLevel.choices)

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("prefix", "risk")
        kwargs.setdefault("initial", {"risk_level": case.risk_level})
        super().__init__(*args, **kwargs)


class CloseForm(AccessibleFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif de clôture"),
        choices=[("", EMPTY_CHOICE_LABEL), *ClosureReason.choices],
        error_messages={"required": _("Indiquez le motif de clôture.")},
    )
    closure_note = forms.CharField(
        label=_("Précisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour le motif « Autre »."),
    )
    closed_on = forms.DateField(label=_("Clôturé le"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "close")
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = clock.today()
        _today_max(self.fields["closed_on"])

    def clean(self):
        data = super().clean()
        if data.get("reason") == ClosureReason.OTHER and not data.get("closure_note", "").strip():
            self.add_error("closure_note", _("Précisez le motif de clôture « Autre »."))
        return data


class ReopenForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de la réouverture.")},
    )
    reopened_on = forms.DateField(label=_("Rouvert le"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reopen")
        super().__init__(*args, **kwargs)
        self.fields["reopened_on"].initial = clock.today()
        _today_max(self.fields["reopened_on"])


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class CaseAssistanceForm(QuickAssistanceForm):
    """The person's quick entry, from their case: the same fields, and the open goal the
    assistance serves (optional)."""

    goal = GoalChoiceField(
        label=_("Objectif servi"),
        queryset=None,
        required=False,
        help_text=_("Facultatif : l'objectif du plan auquel cette assistance contribue."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = open_goals_for(case)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("goal", None)
        return data
