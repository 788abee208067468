"""Form helpers shared by the pages: accessible errors, a service's errors on its form, the
blank choice of every select, country choices."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.countries import country_name

# The blank option of a select, one convention for the whole app. In a form it asks for a
# choice; in a filter, or a scope such as a report's partner, it stands for everything. The
# second is django-filter's own setting (settings.FILTERS_EMPTY_CHOICE_LABEL), so every filter
# follows it; FormRenderer below gives the first to every Django form.
EMPTY_CHOICE_LABEL = _("— Choisir —")
ALL_CHOICES_LABEL = settings.FILTERS_EMPTY_CHOICE_LABEL
# What Django writes for a blank choice nobody labelled (ModelChoiceField, model choices).
_DJANGO_BLANK = "---------"


def _label_blank_choice(field, label) -> None:
    if hasattr(field, "empty_label"):  # ModelChoiceField, django-filter's choice fields
        if field.empty_label is not None and str(field.empty_label) == _DJANGO_BLANK:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] == "" and str(choices[0][1]) == _DJANGO_BLANK:
            field.choices = [("", label), *choices[1:]]


class BoundField(forms.BoundField):
    """A form field as a template sees it, its blank choice (if Django's default) labelled
    EMPTY_CHOICE_LABEL. The field is the form's own copy: nothing is shared between forms."""

    def __init__(self, form, field, name):
        _label_blank_choice(field, EMPTY_CHOICE_LABEL)
        super().__init__(form, field, name)


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's renderer, with the app's BoundField for every form
    (the pages', the admin's, the filters')."""

    bound_field_class = BoundField


class AccessibleFormMixin:
    """Ties each field's help text and errors to its input (aria-describedby, aria-invalid),
    so a screen reader announces why a field was refused. `templates/core/_field.html`
    renders the matching ids."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if bound.help_text:
                described.append(f"{bound.auto_id}_helptext")
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(described)
            attrs["aria-invalid"] = "true"


@lru_cache(maxsize=8)
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    pairs = [(c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


def country_choices(blank_label=None) -> list[tuple[str, str]]:
    """Every ISO country, named and sorted in the active language."""
    blank = [("", blank_label if blank_label is not None else EMPTY_CHOICE_LABEL)]
    return blank + list(_country_choices((get_language() or "fr")[:2]))


class CountryField(forms.ChoiceField):
    """An ISO 3166 alpha-2 code picked from the countries named in the user's language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", country_choices)
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def local_place_name(place) -> str:
    """A city's or region's name in Arabic on Arabic pages, when it has one."""
    if place is None:
        return ""
    if (get_language() or "")[:2] == "ar" and getattr(place, "name_ar", ""):
        return place.name_ar
    return place.name


class PlaceChoiceField(forms.ModelChoiceField):
    """Cities named in the user's language."""

    def label_from_instance(self, obj):
        return local_place_name(obj)
