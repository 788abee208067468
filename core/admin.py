from django.contrib import admin

from core.models import AuditEntry


class ScopedAdminMixin:
    """Admin lists go through the same scoping choke point as pages and API."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ReadOnlyAdminMixin:
    """Records changed only through the app's services are shown, not edited, in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "model", "object_id"]
    list_filter = ["action", "model"]
    search_fields = ["object_id", "actor__username"]
    date_hierarchy = "at"
