"""What the API accepts and answers for people. The owning organisation is the requesting
user's, never read from the body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from beneficiaries.choices import ConsentPurpose, ErasureReason, Vulnerability
from beneficiaries.models import PERSON_FIELDS, Beneficiary, Consent
from core.api.concurrency import version_field
from core.api.fields import ScopedSlugRelatedField
from core.countries import country_code
from partners.models import City, Organisation

INPUT_FIELDS = list(PERSON_FIELDS)


class BeneficiarySerializer(serializers.ModelSerializer):
    """A person as the API shows it."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Vulnerability.choices), read_only=True
    )
    merged_into = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Beneficiary
        fields = [
            "id",
            "organisation",
            *INPUT_FIELDS,
            "merged_into",
            "legal_hold",
            "pseudonymised_at",
            "version",
        ]
        read_only_fields = fields


class CountryField(serializers.CharField):
    """An ISO 3166 alpha-2 code; alpha-3 codes and English or French names are accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        code = country_code(value)
        if code is None:
            raise serializers.ValidationError(
                _("Pays inconnu : « %(value)s ».") % {"value": value}, code="invalid_country"
            )
        return code


class BeneficiaryInputSerializer(serializers.ModelSerializer):
    """What a client may set when registering a person; `beneficiary_ref` may be left out to
    get the organisation's next reference."""

    city = serializers.SlugRelatedField(
        slug_field="code", queryset=City.objects.all(), required=False, allow_null=True
    )
    nationality = CountryField(required=False)
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Vulnerability.choices),
        required=False,
        max_length=len(Vulnerability.values),
    )

    class Meta:
        model = Beneficiary
        fields = INPUT_FIELDS
        # Without one, the organisation's next reference is given (beneficiary_register).
        extra_kwargs = {"beneficiary_ref": {"required": False, "allow_blank": True}}
        # Uniqueness per organisation is checked by the service, which knows the owner.
        validators: list = []


class BeneficiaryUpdateSerializer(BeneficiaryInputSerializer):
    """Changes to a person's record, with the version the client last read."""

    version = version_field()

    class Meta(BeneficiaryInputSerializer.Meta):
        fields = [*INPUT_FIELDS, "version"]
        extra_kwargs = {"beneficiary_ref": {"required": True}}


class DuplicateQuerySerializer(serializers.Serializer):
    """Who is being registered, to look for people already on file."""

    first_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2100
    )
    exclude = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )


class DuplicateCheckSerializer(serializers.Serializer):
    """Possible matches you may see, and whether another organisation has one (nothing more
    is said about it: ask IOM to check)."""

    matches = BeneficiarySerializer(many=True)
    elsewhere = serializers.BooleanField()


class PseudonymiseSerializer(serializers.Serializer):
    """Why a person's personal data are erased (DESIGN.md §8); the retention run's own reason
    is not a client's to give."""

    reason = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in ErasureReason if c != ErasureReason.RETENTION]
    )


class ConsentSerializer(serializers.ModelSerializer):
    """One entry of a person's consent ledger: `live` while not withdrawn."""

    recipient = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    withdrawn_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    live = serializers.BooleanField(source="is_live", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "beneficiary",
            "purpose",
            "recipient",
            "given_on",
            "recorded_by",
            "recorded_at",
            "organisation",
            "live",
            "withdrawn_on",
            "withdrawn_by",
            "withdrawal_reason",
        ]
        read_only_fields = fields


class ConsentInputSerializer(serializers.Serializer):
    """Recording a consent: its purpose, the day it was given (not in the future) and, for
    `referral` only, the organisation (slug) the person agrees to be shared with."""

    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    recipient = ScopedSlugRelatedField(
        model=Organisation,
        slug_field="slug",
        scope=lambda queryset: queryset.record_keepers(),
        required=False,
        allow_null=True,
    )
    given_on = serializers.DateField()


class ConsentWithdrawSerializer(serializers.Serializer):
    """Withdrawing a consent: the day (today when left out) and, optionally, why."""

    on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
