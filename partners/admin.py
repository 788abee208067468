from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin
from partners.models import (
    City,
    ClosedPeriod,
    Membership,
    Organisation,
    Project,
    ReferenceSequence,
    Region,
)
from partners.services import (
    MEMBERSHIP_EDITABLE,
    ORGANISATION_EDITABLE,
    PROJECT_CHANGEABLE,
    PROJECT_EDITABLE,
    membership_create,
    membership_update,
    organisation_create,
    organisation_update,
    password_set_in_admin,
    project_create,
    project_update,
    reference_sequence_configure,
)

# The many-to-many fields the project services replace as a whole.
PROJECT_LINKS = frozenset({"partners", "cities", "axes", "objectives"})


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
class OrganisationAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "city", "is_active", "requires_second_factor"]
    list_filter = ["kind", "is_active", "requires_second_factor", "city"]
    search_fields = ["name", "slug"]
    editable_on_change = editable_on_add = ORGANISATION_EDITABLE

    def save_model(self, request, obj, form, change):
        if change:
            fields = self.changed(form, ORGANISATION_EDITABLE)
            saved = organisation_update(organisation=obj, acting_user=request.user, **fields)
        else:
            fields = {n: form.cleaned_data[n] for n in ORGANISATION_EDITABLE}
            saved = organisation_create(acting_user=request.user, **fields)
        obj.pk = saved.pk


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "donor", "start", "end", "budget", "currency"]
    list_filter = ["donor", "currency", "partners", "cities", "axes"]
    search_fields = ["code", "title"]
    filter_horizontal = ["partners", "cities", "axes", "objectives"]
    date_hierarchy = "start"
    editable_on_add = PROJECT_EDITABLE | PROJECT_LINKS
    editable_on_change = PROJECT_CHANGEABLE | PROJECT_LINKS  # the code never changes

    def save_model(self, request, obj, form, change):
        # Partners, cities, axes and objectives go through the service too (see save_related).
        links = self.changed(form, PROJECT_LINKS)
        if change:
            fields = self.changed(form, PROJECT_CHANGEABLE)
            saved = project_update(project=obj, acting_user=request.user, **links, **fields)
        else:
            fields = {n: form.cleaned_data[n] for n in PROJECT_EDITABLE}
            saved = project_create(acting_user=request.user, **links, **fields)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The form's many-to-many fields were written by the service in save_model."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Membership)
class MembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Unticking "actif" revokes the user's access: they are signed out of pages and API at
    their next request, and their API tokens are deleted."""

    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    editable_on_change = MEMBERSHIP_EDITABLE
    editable_on_add = MEMBERSHIP_EDITABLE | {"user"}

    def save_model(self, request, obj, form, change):
        if change:
            fields = self.changed(form, MEMBERSHIP_EDITABLE)
            saved = membership_update(membership=obj, acting_user=request.user, **fields)
        else:
            fields = {n: form.cleaned_data[n] for n in MEMBERSHIP_EDITABLE}
            saved = membership_create(
                user=form.cleaned_data["user"], acting_user=request.user, **fields
            )
        obj.pk = saved.pk


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


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Closed periods are closed and reopened on the bilans pages (partners' services)."""

    list_display = ("project", "start", "end", "closed_by", "closed_at", "reopened_at")
    list_filter = ("project",)
    list_select_related = ("project", "closed_by")


class MemberUserAdmin(UserAdmin):
    """Django's user admin, whose password form (superusers) revokes the user's API tokens
    and is audited, as the project's own password pages are (partners.services.passwords)."""

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                password_set_in_admin(
                    user=self.get_object(request, unquote(id)), acting_user=request.user
                )
        return response


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), MemberUserAdmin)
