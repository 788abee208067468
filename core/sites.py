"""The admin site, open to IOM officers (and superusers) only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from core import scoping


class IomAdminSite(admin.AdminSite):
    site_header = _("iom_cases — administration")
    site_title = _("iom_cases")

    def has_permission(self, request) -> bool:
        """Staff status is not enough: the user's live membership must be an IOM officer's
        (core.scoping, answered by partners.access). A staff flag left behind by a demotion,
        or set by hand, opens nothing."""
        return super().has_permission(request) and scoping.sees_everything(request.user)


class IomAdminConfig(AdminConfig):
    """django.contrib.admin, with IomAdminSite as `admin.site`."""

    default_site = "core.sites.IomAdminSite"
