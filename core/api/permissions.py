"""Role gates of the API. Object scoping itself is `visible_to(user)` in each queryset."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.access import actor_for


class IsCaseworkerOrOfficer(BasePermission):
    """Personal records (people, assistances, referrals, returns) are for partner staff and
    IOM officers only: a donor, or a user without a role, never reaches one."""

    message = _("Votre rôle ne donne pas accès aux dossiers individuels.")

    def has_permission(self, request, view):
        actor = actor_for(request.user)
        return actor.sees_everything or actor.is_partner_staff


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
