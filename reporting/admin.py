from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assistance.choices import ALL_SUBTYPES, Category, Outcome
from frameworks.models import SubTheme
from reporting.models import Indicator, Source


class IndicatorForm(forms.ModelForm):
    """Filters as checkboxes so an officer picks codes rather than typing them."""

    categories = forms.MultipleChoiceField(
        label=_("catégories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune : toutes les catégories."),
    )
    subtypes = forms.MultipleChoiceField(
        label=_("types"),
        choices=[(code, code) for code in ALL_SUBTYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun : tous les types."),
    )
    outcomes = forms.MultipleChoiceField(
        label=_("issues"),
        choices=Outcome.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune : toutes les issues."),
    )

    # Not required: an indicator of assistances (the default) need not say so.
    source = forms.ChoiceField(
        label=_("ce qui est compté"),
        choices=Source.choices,
        initial=Source.ASSISTANCES,
        required=False,
    )

    def clean_source(self):
        return self.cleaned_data.get("source") or Source.ASSISTANCES

    class Meta:
        model = Indicator
        fields = [
            "code",
            "label_fr",
            "label_en",
            "label_ar",
            "unit",
            "source",
            "ordering",
            "sub_theme",
            "categories",
            "subtypes",
            "outcomes",
            "age_scheme",
            "by_country",
            "by_subtype",
            "by_closure_reason",
            "is_active",
        ]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The catalogue is edited by IOM officers only (the admin is theirs)."""

    form = IndicatorForm
    list_display = [
        "code", "label_fr", "sub_theme", "source", "unit", "age_scheme", "by_country",
        "by_subtype",
    ]  # fmt: skip
    list_select_related = ["sub_theme__axis"]
    list_filter = ["sub_theme__axis", "sub_theme", "source", "unit", "age_scheme", "is_active"]
    search_fields = ["code", "label_fr", "label_en", "label_ar"]
    ordering = ["ordering", "code"]
    fieldsets = [
        (None, {"fields": ["code", "label_fr", "label_en", "label_ar", "unit", "ordering"]}),
        # Which chapter of the mission bilan the indicator is reported in (DESIGN.md §9).
        (_("Bilan de la mission"), {"fields": ["sub_theme"]}),
        (_("Ce qui est compté"), {"fields": ["source", "categories", "subtypes", "outcomes"]}),
        (
            _("Ventilations"),
            {
                "fields": [
                    "age_scheme",
                    "by_country",
                    "by_subtype",
                    "by_closure_reason",
                    "is_active",
                ]
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "sub_theme":
            # Each choice names its axis: one query for the list, not one per sub-theme.
            kwargs["queryset"] = SubTheme.objects.select_related("axis")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
