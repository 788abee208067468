"""Role gates of the partners API. Object scoping itself is `visible_to(user)` in each
queryset; the gate of personal records is core.api.permissions.WorksOnRecords."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from partners.access import actor_for


class ReadOnlyUnlessOfficer(BasePermission):
    """Reference data (projects) every signed-in role may read; only IOM officers change it.

    On a detail route the role is checked after the object is looked up in the user's
    scope, so an object out of scope answers 404 whatever the method, never 403.
    """

    message = _("Seule l'OIM peut modifier cette donnée.")

    def _allowed(self, request) -> bool:
        return request.method in SAFE_METHODS or actor_for(request.user).sees_everything

    def has_permission(self, request, view):
        lookup = view.lookup_url_kwarg or view.lookup_field
        if lookup in view.kwargs:
            return True
        return self._allowed(request)

    def has_object_permission(self, request, view, obj):
        return self._allowed(request)
