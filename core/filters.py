"""What every FilterSet of the app shares (they serve the HTML lists and the API alike)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import EMPTY_CHOICE_LABEL


class OrderingFilter(django_filters.OrderingFilter):
    """Sort choices named in the user's language, each with its direction.

    django-filter names a field it has no label for after its parameter ("Last name", in
    English whatever the language) and formats the descending label once, at import, in the
    language active then. Here every field needs a translated label (`field_labels`), and
    both directions are formatted lazily. Its blank choice (the list's own order) asks for a
    choice, as in a form, rather than standing for "all" as a filter's does.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", EMPTY_CHOICE_LABEL)
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        unlabelled = [field for field in fields if field not in labels]
        if unlabelled:
            raise ImproperlyConfigured(f"OrderingFilter: no label for {unlabelled}")
        choices = []
        for field, param in fields.items():
            label = labels[field]
            choices.append((param, format_lazy(_("{field} (croissant)"), field=label)))
            choices.append((f"-{param}", format_lazy(_("{field} (décroissant)"), field=label)))
        return choices
