from django.contrib import admin

from beneficiaries.models import Beneficiary, BeneficiaryAccess, Consent
from beneficiaries.services import EDITABLE_FIELDS, beneficiary_register, beneficiary_update
from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin
from partners.models import Organisation


class BeneficiaryAccessInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BeneficiaryAccess
    extra = 0
    fields = ["organisation", "referral", "granted_at"]
    readonly_fields = fields


class ConsentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The consent ledger, read only: it is written from the person's file and the API,
    through the services (who may record, the rules, the audit)."""

    model = Consent
    fk_name = "beneficiary"
    extra = 0
    fields = [
        "purpose",
        "recipient",
        "given_on",
        "recorded_by",
        "organisation",
        "withdrawn_on",
        "withdrawn_by",
        "withdrawal_reason",
    ]
    readonly_fields = fields


@admin.register(Beneficiary)
class BeneficiaryAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    editable_on_change = EDITABLE_FIELDS
    editable_on_add = EDITABLE_FIELDS | {"organisation"}
    list_display = [
        "beneficiary_ref",
        "last_name",
        "first_name",
        "sex",
        "date_of_birth",
        "birth_year",
        "nationality",
        "organisation",
        "city",
        "registered_on",
    ]
    list_filter = ["organisation", "sex", "is_migrant", "legal_status", "city", "consent"]
    search_fields = ["beneficiary_ref", "last_name", "first_name"]
    date_hierarchy = "registered_on"
    list_select_related = ["organisation", "city"]
    readonly_fields = ["merged_into", "version", "created_by", "created_at", "updated_at"]
    inlines = [BeneficiaryAccessInline, ConsentInline]

    def has_delete_permission(self, request, obj=None):
        return False  # people are merged, never deleted: their assistances must still count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            # The service refuses the others; the list offers only those it accepts.
            kwargs["queryset"] = Organisation.objects.record_keepers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS
        }
        if change:
            saved = beneficiary_update(beneficiary=obj, acting_user=request.user, **fields)
        else:
            fields = {
                name: form.cleaned_data[name]
                for name in form.cleaned_data
                if name in EDITABLE_FIELDS
            }
            saved = beneficiary_register(
                acting_user=request.user, organisation=form.cleaned_data["organisation"], **fields
            )
        obj.pk = saved.pk
