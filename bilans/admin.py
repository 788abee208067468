"""Read-only admin views of bilans, closed periods and notices: every change goes through the
bilans pages (services), never through the admin."""

from django.contrib import admin

from bilans.models import BilanSnapshot, ClosedPeriod, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BilanSnapshot)
class BilanSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("project", "start", "end", "organisation", "language", "version", "status",
                    "task_state", "generated_at", "published_at")  # fmt: skip
    list_filter = ("status", "task_state", "language", "project")
    list_select_related = ("project", "organisation")
    search_fields = ("project__code", "checksum", "request_id")
    exclude = ("figures", "context")


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ReadOnlyAdmin):
    list_display = ("project", "start", "end", "closed_by", "closed_at", "reopened_at")
    list_filter = ("project",)
    list_select_related = ("project", "closed_by")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    list_select_related = ("user",)
