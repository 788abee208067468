from django.contrib import admin
from django.core.exceptions import ValidationError

from core.models import AuditEntry, Notification

_REFUSAL_ATTR = "_service_refusal"


class ScopedAdminMixin:
    """Admin lists go through the same scoping choke point as pages and API."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ServiceAdminMixin:
    """The admin of a model written through its services.

    On a change form only the fields that the update service writes (`editable_on_change`)
    can be edited; every other field is shown read-only. On an add form only the fields the
    create service writes (`editable_on_add`) are offered; the others (links that their own
    flows make, such as an assistance's group session) are left out, as there is nothing yet
    to show. Nothing typed in the admin is then silently ignored, and nothing is written
    around the services.

    A service that refuses what the form accepted (a rule beyond the model's fields, such as
    an organisation's kind that its members contradict) raises a ValidationError in
    `save_model`: the form is then shown again with the service's reasons on its fields,
    nothing saved, as for any other invalid input."""

    editable_on_change: frozenset[str] = frozenset()
    editable_on_add: frozenset[str] = frozenset()

    def _not_written(self, model, written: frozenset[str], skip) -> list[str]:
        """The model's editable fields that the service does not write."""
        return [
            field.name
            for field in model._meta.get_fields()
            if (field.concrete or field.many_to_many)
            and field.editable
            and not field.auto_created
            and field.name not in written
            and field.name not in skip
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The admin's own transaction has rolled everything back: validate the same POST
            # again, the form adding the refusal to its errors (see get_form), and show it.
            if request.method != "POST" or hasattr(request, _REFUSAL_ATTR):
                raise
            setattr(request, _REFUSAL_ATTR, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, _REFUSAL_ATTR, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                if hasattr(refusal, "error_dict"):
                    for field, errors in refusal.error_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                else:
                    self.add_error(None, refusal)
                return cleaned_data

        return RefusedForm

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        return readonly + self._not_written(type(obj), self.editable_on_change, readonly)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if obj is not None:
            return exclude or None
        readonly = super().get_readonly_fields(request, obj)
        return exclude + self._not_written(self.model, self.editable_on_add, [*exclude, *readonly])

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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    list_select_related = ("user",)
