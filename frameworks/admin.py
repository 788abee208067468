from django.contrib import admin

from frameworks.models import Axis, FrameworkObjective, SubTheme


class SubThemeInline(admin.TabularInline):
    model = SubTheme
    extra = 0
    fields = ("code", "label_fr", "label_en", "label_ar", "ordering", "is_active")


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "ordering", "is_active")
    search_fields = ("code", "label_fr", "label_en", "label_ar")
    inlines = [SubThemeInline]


@admin.register(SubTheme)
class SubThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "axis", "ordering", "is_active")
    list_filter = ("axis", "is_active")
    search_fields = ("code", "label_fr", "label_en", "label_ar")


@admin.register(FrameworkObjective)
class FrameworkObjectiveAdmin(admin.ModelAdmin):
    list_display = ("kind", "code", "label_fr", "ordering", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "label_fr", "label_en", "label_ar")
