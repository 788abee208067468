"""The role gate of the API base. Object scoping itself is `visible_to(user)` in each queryset;
which roles work on personal records, partners answers (core.scoping)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core import scoping


class WorksOnRecords(BasePermission):
    """Personal records (people, assistances, referrals, returns) are for partner staff and
    IOM officers only: a donor, or a user without a role, never reaches one."""

    message = _("Votre rôle ne donne pas accès aux dossiers individuels.")

    def has_permission(self, request, view):
        return scoping.works_on_records(request.user)
