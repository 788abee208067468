"""Related fields of input bodies that only accept objects the requesting user may use.

Each one builds its queryset from the model's `visible_to(request.user)`, so an id or code of
another partner's object gets the same "does not exist" error as an id that does not exist:
nothing about it leaks.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class _ScopedMixin:
    def __init__(self, *, model, scope=None, **kwargs):
        self.model = model
        self.scope = scope
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = self.model.objects.visible_to(getattr(request, "user", None))
        if self.scope is not None:
            queryset = self.scope(queryset)
        return queryset


class ScopedPrimaryKeyRelatedField(_ScopedMixin, serializers.PrimaryKeyRelatedField):
    """An id among the objects `visible_to` the user (optionally narrowed by `scope`)."""

    default_error_messages = {
        "does_not_exist": _("« {pk_value} » : introuvable ou hors de votre périmètre."),
    }


class ScopedSlugRelatedField(_ScopedMixin, serializers.SlugRelatedField):
    """A code or slug among the objects `visible_to` the user."""

    default_error_messages = {
        "does_not_exist": _("« {value} » : introuvable ou hors de votre périmètre."),
    }
