"""Forms of the beneficiary pages. They validate and present; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beneficiaries.choices import ConsentPurpose, ErasureReason, Vulnerability
from beneficiaries.models import PERSON_FIELDS, Beneficiary
from core.forms import AccessibleFormMixin, CountryField, DateInput, PlaceChoiceField
from partners.access import actor_for
from partners.models import City, Organisation


class BeneficiaryForm(AccessibleFormMixin, forms.ModelForm):
    """Register or edit a person. Never saved directly: the view calls the services."""

    age_estimate = forms.IntegerField(
        label=_("ou âge estimé (ans)"),
        required=False,
        min_value=0,
        max_value=110,
        help_text=_("Si ni la date ni l'année de naissance ne sont connues."),
    )
    nationality = CountryField(label=_("Nationalité"), required=False)
    city = PlaceChoiceField(label=_("Ville"), queryset=City.objects.all(), required=False)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnérabilités"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The reference proposed when the form was shown: kept as is, it is allocated on saving.
    proposed_ref = forms.CharField(widget=forms.HiddenInput, required=False)
    # The order of the page's error summary (core/_form_errors.html): names first.
    field_order = [
        "first_name",
        "last_name",
        "sex",
        "date_of_birth",
        "birth_year",
        "nationality",
        "city",
        "is_migrant",
        "legal_status",
        "beneficiary_ref",
        "registered_on",
        "vulnerabilities",
    ]

    class Meta:
        model = Beneficiary
        # What it hands to beneficiary_register / beneficiary_update.
        fields = PERSON_FIELDS
        # "Nom" next to "Prénom" is the family name: English and Arabic need to say so.
        labels = {"last_name": pgettext_lazy("nom de famille", "Nom")}
        widgets = {
            "date_of_birth": DateInput,
            "registered_on": DateInput,
            "consent_on": DateInput,
            "sex": forms.RadioSelect,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["last_name"].widget.attrs.update(autocomplete="off", autofocus=True)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["birth_year"].widget.attrs.update(inputmode="numeric")
        self.fields["beneficiary_ref"].widget.attrs["autocomplete"] = "off"
        self.fields["sex"].choices = [c for c in self.fields["sex"].choices if c[0]]
        if not self.instance.pk and not self.is_bound:
            # An explicit choice ("Inconnu" included), not a silent default that would count
            # the person as unknown in every report.
            self.initial["sex"] = None
        if self.instance.pk:
            del self.fields["age_estimate"]
            del self.fields["proposed_ref"]
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["beneficiary_ref"].help_text = _(
                "La prochaine référence de votre organisation est proposée ; vous pouvez la "
                "remplacer par la vôtre."
            )

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def keeps_proposed_ref(self, ref: str) -> bool:
        """The user saves the proposed reference: the service allocates it then (the next
        free one, should someone else have taken it meanwhile)."""
        if "proposed_ref" not in self.fields:
            return False
        proposed = (self.data.get(self.add_prefix("proposed_ref")) or "").strip()
        return bool(proposed) and ref == proposed

    def clean_beneficiary_ref(self):
        ref = self.cleaned_data["beneficiary_ref"].strip()
        if self.keeps_proposed_ref(ref):
            return ref
        organisation_id = (
            self.instance.organisation_id
            if self.instance.pk
            else actor_for(self.user).organisation_id
        )
        clash = Beneficiary.objects.filter(organisation_id=organisation_id, beneficiary_ref=ref)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if organisation_id and clash.exists():
            raise forms.ValidationError(
                _("Cette référence de dossier existe déjà dans votre organisation.")
            )
        return ref

    def clean(self):
        data = super().clean()
        age = data.get("age_estimate")
        if age is not None and not data.get("date_of_birth") and not data.get("birth_year"):
            data["birth_year"] = timezone.localdate().year - age
        # A page rule only: the import contract (DESIGN.md §4) makes names optional, so files
        # and programs may keep a person under their file reference alone (survivors often ask
        # for it); a caseworker typing a new person by hand is asked for a name.
        if not (data.get("first_name") or data.get("last_name")):
            self.add_error("last_name", _("Indiquez au moins un nom ou un prénom."))
        if data.get("consent") and not data.get("consent_on"):
            data["consent_on"] = timezone.localdate()
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data.get(name) for name in PERSON_FIELDS}
        if self.keeps_proposed_ref(fields["beneficiary_ref"]):
            fields["beneficiary_ref"] = ""  # beneficiary_register gives the next reference
        return fields


class ErasureForm(AccessibleFormMixin, forms.Form):
    """The confirmation of an erasure (DESIGN.md §8): the person's reference typed again, and
    why. The retention run's own reason is not offered: a person erases on request."""

    reference = forms.CharField(
        label=_("Référence du dossier, pour confirmer"),
        max_length=64,
        help_text=_("Tapez la référence du dossier telle qu'elle apparaît sur la fiche."),
    )
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=[(c.value, c.label) for c in ErasureReason if c != ErasureReason.RETENTION],
    )

    def __init__(self, *args, person: Beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_reference(self):
        typed = self.cleaned_data["reference"].strip()
        if typed.casefold() != self.person.beneficiary_ref.strip().casefold():
            raise forms.ValidationError(_("Ce n'est pas la référence de ce dossier."))
        return typed


class LegalHoldForm(AccessibleFormMixin, forms.Form):
    """Put a record under a legal hold (its reason required) or lift it."""

    reason = forms.CharField(
        label=_("Motif du gel légal"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : procédure judiciaire en cours, demande d'une autorité."),
    )


class ConsentForm(AccessibleFormMixin, forms.Form):
    """Record a consent on the person's file; the rules are the Consent model's and the
    service's (a named organisation for a referral only, no date in the future, one live
    consent per purpose)."""

    purpose = forms.ChoiceField(label=_("Usage"), choices=ConsentPurpose.choices)
    recipient = forms.ModelChoiceField(
        label=_("Organisation destinataire"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Pour un partage avec une organisation (référencement) seulement."),
    )
    given_on = forms.DateField(label=_("Donné le"), widget=DateInput)

    def __init__(self, *args, person: Beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = (
            Organisation.objects.record_keepers()
            .exclude(pk=person.organisation_id)
            .order_by("name")
        )
        self.fields["given_on"].initial = timezone.localdate()


class ConsentWithdrawForm(AccessibleFormMixin, forms.Form):
    """The person withdraws a consent: when, and why if they said (optional)."""

    on = forms.DateField(label=_("Retiré le"), widget=DateInput)
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
