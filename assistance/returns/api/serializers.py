"""What the API accepts and answers for return cases (AVRR).

`beneficiary` is scoped to the people the user may see, `project` to the projects the user may
see; the case's organisation comes from the request."""

from __future__ import annotations

from rest_framework import serializers

from assistance.api.serializers import beneficiary_field, project_field
from assistance.choices import ReturnDirection, ReturnStage
from assistance.returns.models import ReturnCase
from beneficiaries.api.serializers import CountryField


class ReturnCaseSerializer(serializers.ModelSerializer):
    """An assisted voluntary return case."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ReturnCase
        fields = [
            "id",
            "beneficiary",
            "organisation",
            "project",
            "direction",
            "country",
            "stage",
            "opened_on",
            "returned_on",
            "closed_on",
            "notes",
            "version",
        ]
        read_only_fields = fields


class ReturnCaseInputSerializer(serializers.Serializer):
    beneficiary = beneficiary_field()
    country = CountryField(allow_blank=False)
    direction = serializers.ChoiceField(
        choices=ReturnDirection.choices, default=ReturnDirection.FROM_MOROCCO
    )
    project = project_field()
    opened_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReturnCaseAdvanceSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ReturnStage.choices)
    on = serializers.DateField(required=False, allow_null=True)
