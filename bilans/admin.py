"""Read-only admin views of bilans: every change goes through the bilans pages
(services), never through the admin."""

from django.contrib import admin

from bilans.models import BilanSnapshot
from core.admin import ReadOnlyAdminMixin


@admin.register(BilanSnapshot)
class BilanSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("scope", "project", "start", "end", "organisation", "language", "version",
                    "status", "task_state", "generated_at", "published_at")  # fmt: skip
    list_filter = ("scope", "status", "task_state", "language", "project")
    list_select_related = ("project", "organisation")
    search_fields = ("project__code", "checksum", "request_id")
    exclude = ("figures", "context")
