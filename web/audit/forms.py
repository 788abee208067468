"""The filters of the audit page: one form for both logs (the trail of changes and the
access log), so switching tabs keeps what was asked."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ALL_CHOICES_LABEL
from core.models import AccessEntry, AuditEntry
from partners.models import Organisation

ACCESS, TRAIL = "access", "audit"
TABS = [(ACCESS, _("Journal des accès")), (TRAIL, _("Journal des modifications"))]


def _actions():
    seen, choices = set(), [("", ALL_CHOICES_LABEL)]
    for value, label in [*AccessEntry.Action.choices, *AuditEntry.Action.choices]:
        if value not in seen:
            seen.add(value)
            choices.append((value, label))
    return choices


class AuditFilterForm(forms.Form):
    tab = forms.ChoiceField(label=_("Journal"), choices=TABS, required=False)
    user = forms.CharField(label=_("Utilisateur"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=ALL_CHOICES_LABEL,
    )
    person = forms.CharField(
        label=_("Personne"),
        max_length=64,
        required=False,
        help_text=_("Référence du dossier (ou son numéro interne)."),
    )
    action = forms.ChoiceField(label=_("Action"), choices=_actions, required=False)
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError(_("La date de fin précède la date de début."))
        return data

    @property
    def tab_value(self) -> str:
        """The tab asked for (the access log unless the trail is asked, validly)."""
        if not self.is_bound or not self.is_valid():
            return self.data.get("tab") if self.data.get("tab") in (ACCESS, TRAIL) else ACCESS
        return self.cleaned_data.get("tab") or ACCESS

    def filters(self) -> dict:
        """The valid filters, for the selectors (empty ones left out)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            key: value for key, value in data.items() if key != "tab" and value not in (None, "")
        }


def day_bounds(start: datetime.date | None, end: datetime.date | None):
    """The local moments that open `start` and close `end` (inclusive), either may be None."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz) if start else None
    high = (
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        if end
        else None
    )
    return low, high
