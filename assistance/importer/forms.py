"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from partners.access import actor_for
from partners.models import Organisation, Project


class ImportUploadForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV (UTF-8, virgule ou point-virgule) ou Excel .xlsx (première feuille). Une ligne "
            "par assistance ; colonnes obligatoires : beneficiary_ref, sex, category, "
            "delivered_on."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    project = forms.ModelChoiceField(
        label=_("Projet par défaut"),
        help_text=_("Pour les lignes sans colonne « project »."),
        queryset=Project.objects.none(),
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args, user, refused_upload: str = "", **kwargs):
        """`refused_upload`: why the upload was stopped (too large), if it was."""
        super().__init__(*args, **kwargs)
        self.refused_upload = refused_upload
        self.actor = actor_for(user)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("code")
        if self.actor.sees_everything:
            self.fields["organisation"].queryset = Organisation.objects.record_keepers().order_by(
                "name"
            )
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]

    def full_clean(self):
        if self.is_bound and self.refused_upload:
            # The upload was stopped at its file: the fields after it were never read, so
            # the one error to show is why.
            self._errors = ErrorDict()
            self.cleaned_data = {}
            self.add_error("file", self.refused_upload)
            return
        super().full_clean()

    def chosen_organisation(self):
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return Organisation.objects.get(pk=self.actor.organisation_id)
