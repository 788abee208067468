from django.contrib import admin

from core.models import AuditEntry


class ScopedAdminMixin:
    """Admin lists go through the same scoping choke point as pages and API."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ServiceAdminMixin:
    """The admin of a model written through its services.

    On a change form only the fields that the update service writes (`editable_on_change`)
    can be edited; every other field is shown read-only. Nothing typed in the admin is then
    silently ignored, and nothing is written around the services."""

    editable_on_change: frozenset[str] = frozenset()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        for field in obj._meta.get_fields():
            editable = (field.concrete or field.many_to_many) and field.editable
            if (
                editable
                and not field.auto_created
                and field.name not in self.editable_on_change
                and field.name not in readonly
            ):
                readonly.append(field.name)
        return readonly

    @staticmethod
    def changed(form, names) -> dict:
        """The cleaned values of the fields the user changed, among `names`."""
        return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


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
