"""What the API accepts and answers for referrals.

`beneficiary` is scoped to the people the user may see, `project` to the projects the user may
see, `to_organisation` to the partners; the sending organisation comes from the request."""

from __future__ import annotations

from rest_framework import serializers

from assistance.api.serializers import beneficiary_field, project_field
from assistance.choices import DeclineReason, Outcome
from assistance.referrals.models import Referral
from core.api.fields import ScopedSlugRelatedField
from partners.models import Organisation


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as both its ends see it."""

    from_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_organisation = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    project = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(
        read_only=True,
        help_text="Toujours sans réponse du partenaire après `response_due_on`.",
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "beneficiary",
            "from_organisation",
            "to_organisation",
            "to_structure",
            "category",
            "reason",
            "referred_on",
            "consent",
            "status",
            "responded_at",
            "response_due_on",
            "is_overdue",
            "decline_reason",
            "decline_note",
            "outcome",
            "outcome_on",
            "project",
            "assistance",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ReferralInputSerializer(serializers.ModelSerializer):
    """Referring a person to another partner (`to_organisation`, its slug) or to a public
    structure (`to_structure`); the person's consent is required."""

    beneficiary = beneficiary_field()
    to_organisation = ScopedSlugRelatedField(
        model=Organisation,
        slug_field="slug",
        scope=lambda queryset: queryset.record_keepers(),
        required=False,
        allow_null=True,
    )
    project = project_field()

    class Meta:
        model = Referral
        fields = [
            "beneficiary",
            "to_organisation",
            "to_structure",
            "category",
            "reason",
            "referred_on",
            "response_due_on",
            "consent",
            "project",
        ]
        extra_kwargs = {"consent": {"required": True}}


class ReferralDeclineSerializer(serializers.Serializer):
    """Declining a received referral: the reason the sender will read (`decline_note` is
    required when the reason is `other`)."""

    decline_reason = serializers.ChoiceField(choices=DeclineReason.choices)
    decline_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReferralOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_on = serializers.DateField(required=False, allow_null=True)
