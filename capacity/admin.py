"""Capacity-building events in the admin: read-only, through the scoping choke point (they
are written on their pages, through the services). Named participants are not registered:
their names are for the event's pages only."""

from django.contrib import admin

from capacity.models import CapacityEvent
from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin


@admin.register(CapacityEvent)
class CapacityEventAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "start", "organisation", "project", "city"]
    list_filter = ["kind", "organisation", "city"]
    list_select_related = ["organisation", "project", "city"]
    search_fields = ["title"]
    date_hierarchy = "start"
