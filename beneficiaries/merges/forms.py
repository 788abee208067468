"""The forms of a merge: find the other record, then choose, field by field, the values that
survive (a radio button per record on each line where the two differ: no script needed)."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.merges.services import MERGE_CHOICE_LABELS, MERGE_CHOICES
from beneficiaries.models import PERSON_FIELDS, Beneficiary
from core.countries import country_name
from core.forms import local_place_name


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Référence du dossier ou numéro de la fiche"),
        max_length=64,
        required=False,
    )


def display(person: Beneficiary, name: str) -> str:
    """The value of the person field `name` of `person` as people read it."""
    field = Beneficiary._meta.get_field(name)
    value = getattr(person, name)
    if name == "date_of_birth":
        if person.date_of_birth:
            return date_format(person.date_of_birth, "SHORT_DATE_FORMAT")
        if person.birth_year:
            return _("%(year)s (estimée)") % {"year": person.birth_year}
        return "—"
    if value in (None, "", []):
        return "—"
    if name == "city":
        return local_place_name(value)
    if name == "nationality":
        return country_name(value)
    if name == "vulnerabilities":
        labels = dict(field.base_field.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "year"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _label(name: str) -> str:
    return MERGE_CHOICE_LABELS.get(name) or Beneficiary._meta.get_field(name).verbose_name


class MergeForm(forms.Form):
    """Which value survives, for each group of MERGE_CHOICES where the two records differ:
    the kept record's (the default) or the duplicate's. Confirmed by a checkbox."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Ces deux fiches décrivent la même personne : je les fusionne."),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer la fusion.")},
    )

    def __init__(self, *args, keep: Beneficiary, duplicate: Beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep, self.duplicate = keep, duplicate
        self.rows = []
        for name in PERSON_FIELDS:
            if name in MERGE_CHOICES:
                group = MERGE_CHOICES[name]
            elif any(name in group for group in MERGE_CHOICES.values()):
                continue  # shown with its group (the birth year with the date of birth)
            else:
                group = (name,)
            keep_value, duplicate_value = display(keep, name), display(duplicate, name)
            differs = any(
                getattr(keep, Beneficiary._meta.get_field(f).attname)
                != getattr(duplicate, Beneficiary._meta.get_field(f).attname)
                for f in group
            )
            choice = None
            if differs and name in MERGE_CHOICES:
                self.fields[f"take_{name}"] = forms.TypedChoiceField(
                    label=_label(name),
                    choices=[(str(keep.pk), keep_value), (str(duplicate.pk), duplicate_value)],
                    coerce=int,
                    # Not sent (no browser omits a checked radio button): the kept record's.
                    required=False,
                    empty_value=keep.pk,
                    initial=str(keep.pk),
                    widget=forms.RadioSelect,
                )
                choice = f"take_{name}"
            self.rows.append(
                {
                    "name": name,
                    "label": _label(name),
                    "keep": keep_value,
                    "duplicate": duplicate_value,
                    "differs": differs,
                    "choice": choice,
                }
            )
        # Each line's two radio buttons, to lay out in the records' columns.
        for row in self.rows:
            if row["choice"]:
                options = {option.data["value"]: option for option in self[row["choice"]]}
                row["keep_option"] = options[str(keep.pk)]
                row["duplicate_option"] = options[str(duplicate.pk)]

    def take_from_duplicate(self) -> list[str]:
        """The groups whose value survives from the duplicate (for beneficiary_merge)."""
        return [
            name
            for name in MERGE_CHOICES
            if self.cleaned_data.get(f"take_{name}") == self.duplicate.pk
        ]
