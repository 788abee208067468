"""Output of a project's targets with achieved (read only)."""

from rest_framework import serializers


class TargetProgressSerializer(serializers.Serializer):
    """One target and what was achieved against it (results.selectors.TargetProgress)."""

    id = serializers.IntegerField(source="target.pk")
    result = serializers.CharField(source="target.result.statement_fr")
    indicator = serializers.CharField(source="target.indicator.code")
    organisation = serializers.CharField(
        source="target.organisation.slug", allow_null=True, default=None
    )
    city = serializers.CharField(source="target.city.code", allow_null=True, default=None)
    baseline = serializers.IntegerField(source="target.baseline")
    target = serializers.IntegerField(source="target.target_total")
    target_female = serializers.IntegerField(source="target.target_female", allow_null=True)
    target_male = serializers.IntegerField(source="target.target_male", allow_null=True)
    achieved = serializers.IntegerField()
    achieved_female = serializers.IntegerField(allow_null=True)
    achieved_male = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class ProjectTargetsSerializer(serializers.Serializer):
    project = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    targets = TargetProgressSerializer(many=True)
