"""What the API accepts and answers for assistances, and the related fields the serializers of
referrals and return cases share.

Related objects in bodies are scoped: `beneficiary` among the people the user may see,
`project` among the projects the user may see. The providing organisation and the acting user
come from the request.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assistance.choices import ALL_SUBTYPES, Outcome
from assistance.models import Activity, Assistance, ReturnCase
from beneficiaries.api.serializers import CountryField
from beneficiaries.models import Beneficiary
from core.api.concurrency import version_field
from core.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from partners.models import City, Project


def beneficiary_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Beneficiary, scope=lambda queryset: queryset.active(), **kwargs
    )


def project_field(**kwargs):
    return ScopedSlugRelatedField(
        model=Project, slug_field="code", required=False, allow_null=True, **kwargs
    )


def _city_field():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=City.objects.all(), required=False, allow_null=True
    )


# --- Assistances ---------------------------------------------------------------------------

ASSISTANCE_FIELDS = [
    "category",
    "subtype",
    "delivered_on",
    "status",
    "project",
    "city",
    "country",
    "quantity",
    "value_mad",
    "outcome",
    "notes",
    "assistance_ref",
]


@extend_schema_field(OpenApiTypes.INT)
class VisibleLinkField(serializers.Field):
    """The id of the group session or return case an assistance belongs to, null when the
    viewer may not see that record (another organisation's session, for the person's owner).

    Lists read it from `with_visible_links` (no query per row); a single row without that
    annotation (a write's answer) asks `visible_to` once.
    """

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, assistance):
        linked_id = getattr(assistance, f"{self.field_name}_id")
        if linked_id is None:
            return None
        annotated = f"visible_{self.field_name}_id"
        if hasattr(assistance, annotated):
            return getattr(assistance, annotated)
        user = self.context["request"].user
        visible = self.model.objects.visible_to(user).filter(pk=linked_id).exists()
        return linked_id if visible else None


class AssistanceSerializer(serializers.ModelSerializer):
    """An assistance as the API shows it."""

    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    activity = VisibleLinkField(Activity)
    return_case = VisibleLinkField(ReturnCase)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    subtype = serializers.ChoiceField(choices=ALL_SUBTYPES, read_only=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Assistance
        fields = [
            "id",
            "beneficiary",
            "provider",
            *ASSISTANCE_FIELDS,
            "activity",
            "return_case",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class _AssistanceFieldsSerializer(serializers.ModelSerializer):
    subtype = serializers.ChoiceField(choices=ALL_SUBTYPES)
    project = project_field()
    city = _city_field()
    country = CountryField(required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)

    class Meta:
        model = Assistance
        fields = ASSISTANCE_FIELDS
        validators: list = []


class AssistanceInputSerializer(_AssistanceFieldsSerializer):
    """Recording an assistance: the person and what they received."""

    beneficiary = beneficiary_field()

    class Meta(_AssistanceFieldsSerializer.Meta):
        fields = ["beneficiary", *ASSISTANCE_FIELDS]


class AssistanceUpdateSerializer(_AssistanceFieldsSerializer):
    """Correcting an assistance (the person cannot change), with the version last read."""

    version = version_field()

    class Meta(_AssistanceFieldsSerializer.Meta):
        fields = [*ASSISTANCE_FIELDS, "version"]


class AssistanceCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    version = version_field()
