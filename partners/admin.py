from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdminMixin
from partners.models import City, Membership, Organisation, Project, ReferenceSequence, Region
from partners.services import (
    organisation_upsert,
    project_upsert,
    reference_sequence_configure,
    user_upsert,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ar", "code"]
    search_fields = ["name", "name_ar", "code"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ar", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_ar", "code"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "city", "is_active"]
    list_filter = ["kind", "is_active", "city"]
    search_fields = ["name", "slug"]

    def save_model(self, request, obj, form, change):
        saved, _created = organisation_upsert(
            slug=obj.slug, name=obj.name, kind=obj.kind, city=obj.city, acting_user=request.user
        )
        obj.pk = saved.pk


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "donor", "start", "end", "budget", "currency"]
    list_filter = ["donor", "currency", "partners", "cities"]
    search_fields = ["code", "title"]
    filter_horizontal = ["partners", "cities"]
    date_hierarchy = "start"

    def save_model(self, request, obj, form, change):
        # Partners and cities are many-to-many: the admin saves them after this call.
        saved, _created = project_upsert(
            code=obj.code,
            title=obj.title,
            donor=obj.donor,
            start=obj.start,
            end=obj.end,
            budget=obj.budget,
            currency=obj.currency,
            small_cell_threshold=obj.small_cell_threshold,
            acting_user=request.user,
        )
        obj.pk = saved.pk


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request, obj, form, change):
        user_upsert(
            username=obj.user.username,
            organisation=obj.organisation,
            role=obj.role,
            acting_user=request.user,
        )


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(admin.ModelAdmin):
    """The prefix of each organisation's case-file references; the counter is the services'."""

    list_display = ["organisation", "prefix", "last_number", "next_reference"]
    search_fields = ["organisation__name", "organisation__slug", "prefix"]
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "prefix", "last_number"]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation", "last_number"] if obj else ["last_number"]

    def has_delete_permission(self, request, obj=None):
        # Deleting would restart the numbering: references must stay unique.
        return False

    @admin.display(description=_("prochaine référence"))
    def next_reference(self, obj):
        return obj.reference(obj.last_number + 1)

    def save_model(self, request, obj, form, change):
        saved = reference_sequence_configure(
            organisation=obj.organisation, prefix=obj.prefix, acting_user=request.user
        )
        obj.pk = saved.pk
