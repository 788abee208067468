"""Forms of the confidential notes and documents, and of the transfers (cases.confidential_views).
They only shape the input: the rules (who may write, what a document may be, who may hold a
case) are the services' (cases.services)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.choices import CaseStatus, DocumentKind
from cases.forms import UserChoiceField, case_holders
from cases.services.confidential import NOTE_MAX_CHARS
from core.forms import AccessibleFormMixin, DateInput
from core.uploads import validate_document

User = get_user_model()

# What the file input offers; the bytes decide (core.uploads.validate_document).
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class NoteForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Note confidentielle"),
        help_text=_(
            "Lisible par votre organisation seulement ; chiffrée ; chaque lecture est "
            "enregistrée dans le journal des accès."
        ),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    written_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())


class DocumentForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    def __init__(self, *args, refused_upload: str = "", **kwargs):
        """`refused_upload`: why the upload was stopped before its end (too large), if it was."""
        super().__init__(*args, **kwargs)
        self.refused_upload = refused_upload
        megabytes = settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "PDF, JPEG ou PNG (reconnu par son contenu, pas par son nom), %(size)s Mo au plus. "
            "Il est chiffré et ne se télécharge que depuis ce dossier."
        ) % {"size": megabytes}

    def full_clean(self):
        if self.is_bound and self.refused_upload:
            # The upload was stopped at its file: the fields after it were never read, so
            # the one error to show is why.
            self._errors = ErrorDict()
            self.cleaned_data = {}
            self.add_error("file", self.refused_upload)
            return
        super().full_clean()

    def clean_file(self):
        """The bytes and their type, checked here so that the form says what is wrong with
        the file; the service checks them again (the API and any other caller alike)."""
        upload = self.cleaned_data["file"]
        validate_document(upload)
        upload.seek(0)
        return upload


class HolderChoiceField(UserChoiceField):
    """A case holder, named and with their username (two people may share a name)."""

    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class CaseHolderChoiceField(HolderChoiceField):
    """A user with the number of open cases they hold (`open_cases`)."""

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        cases = ngettext(
            "%(count)s dossier ouvert", "%(count)s dossiers ouverts", obj.open_cases
        ) % {"count": obj.open_cases}
        return f"{label} — {cases}"


class CaseTransferForm(AccessibleFormMixin, forms.Form):
    """Give one case to another of its organisation's case holders."""

    to_user = HolderChoiceField(label=_("Confier à"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        holders = case_holders(case.organisation_id)
        if case.assigned_to_id:
            holders = holders.exclude(pk=case.assigned_to_id)
        self.fields["to_user"].queryset = holders


class TransferAllForm(AccessibleFormMixin, forms.Form):
    """Give every open case of a leaving member to another case holder, in one step."""

    from_user = CaseHolderChoiceField(
        label=_("Personne qui part"),
        help_text=_("Ses dossiers ouverts et ses suivis en attente sur ces dossiers."),
        queryset=User.objects.none(),
    )
    to_user = HolderChoiceField(label=_("Confier à"), queryset=User.objects.none())

    def __init__(self, *args, cases, organisation_id: int, **kwargs):
        """`cases`: the cases the manager may transfer (Case.objects.writable_by)."""
        super().__init__(*args, **kwargs)
        open_cases = Q(
            assigned_cases__in=cases.filter(status=CaseStatus.OPEN).values("pk"),
        )
        # Whoever holds open cases here, active or not: a member whose access was withdrawn
        # still holds their cases until they are transferred.
        self.fields["from_user"].queryset = (
            User.objects.annotate(open_cases=Count("assigned_cases", filter=open_cases))
            .filter(open_cases__gt=0)
            .order_by("username")
        )
        self.fields["to_user"].queryset = case_holders(organisation_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_user") and cleaned.get("from_user") == cleaned.get("to_user"):
            self.add_error("to_user", _("Choisissez une autre personne que celle qui part."))
        return cleaned
