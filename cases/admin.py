"""Cases in the admin: read-only, through the scoping choke point. Notes and documents are not
registered at all: their text is for the owning organisation's staff, in the app's pages."""

from django.contrib import admin

from cases.models import Case, CaseTransition
from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseTransition
    fields = ["kind", "on", "closure_reason", "by", "at"]
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "organisation", "status", "risk_level", "assigned_to", "opened_on"]
    list_filter = ["status", "risk_level", "organisation"]
    list_select_related = ["organisation", "assigned_to"]
    # Only the record's bookkeeping: the person's name stays on the person's file.
    fields = [
        "beneficiary",
        "organisation",
        "status",
        "assigned_to",
        "risk_level",
        "opened_on",
        "closed_on",
        "closure_reason",
    ]
    readonly_fields = fields
    raw_id_fields = ["beneficiary"]
    inlines = [TransitionInline]
