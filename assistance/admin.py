from django.contrib import admin

from assistance.models import Activity, Assistance, Referral, ReturnCase
from assistance.services import ASSISTANCE_EDITABLE, assistance_record, assistance_update
from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin
from partners.models import Organisation


@admin.register(Assistance)
class AssistanceAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    editable_on_change = ASSISTANCE_EDITABLE
    # The group session and the return case are linked by their own flows (the session's
    # participants, the case's stages), never typed here.
    editable_on_add = ASSISTANCE_EDITABLE | {"beneficiary", "provider"}
    list_display = [
        "delivered_on",
        "beneficiary",
        "category",
        "subtype",
        "status",
        "provider",
        "project",
        "city",
        "country",
        "outcome",
    ]
    list_filter = ["status", "category", "provider", "project", "city", "outcome"]
    search_fields = ["beneficiary__beneficiary_ref", "beneficiary__last_name", "assistance_ref"]
    date_hierarchy = "delivered_on"
    list_select_related = ["beneficiary", "provider", "project", "city"]
    raw_id_fields = ["beneficiary"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: cancelled rows stay, audited

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "provider":
            # The service refuses the others; the list offers only those it accepts.
            kwargs["queryset"] = Organisation.objects.record_keepers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {n: data[n] for n in form.changed_data if n in ASSISTANCE_EDITABLE}
            saved = assistance_update(assistance=obj, acting_user=request.user, **fields)
        else:
            fields = {n: data[n] for n in data if n in ASSISTANCE_EDITABLE}
            saved = assistance_record(
                beneficiary=data["beneficiary"],
                provider=data["provider"],
                acting_user=request.user,
                **fields,
            )
        obj.pk = saved.pk


@admin.register(Referral)
class ReferralAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "referred_on",
        "beneficiary",
        "from_organisation",
        "to_organisation",
        "to_structure",
        "category",
        "status",
        "outcome",
    ]
    list_filter = ["status", "outcome", "category", "from_organisation", "to_organisation"]
    search_fields = ["beneficiary__beneficiary_ref", "to_structure"]
    date_hierarchy = "referred_on"


@admin.register(ReturnCase)
class ReturnCaseAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "opened_on",
        "beneficiary",
        "organisation",
        "direction",
        "country",
        "stage",
        "returned_on",
    ]
    list_filter = ["stage", "direction", "country", "organisation"]
    search_fields = ["beneficiary__beneficiary_ref"]


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "held_on",
        "title",
        "organisation",
        "category",
        "subtype",
        "women",
        "girls",
        "men",
        "boys",
        "unknown",
    ]
    list_filter = ["category", "organisation", "project"]
    search_fields = ["title"]
