"""Organisations and projects through the API: reference data, not personal records."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedSlugRelatedField
from partners.choices import OrganisationKind
from partners.models import City, Organisation, Project


class OrganisationSerializer(serializers.ModelSerializer):
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "kind", "city", "is_active"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    donor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partners = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    cities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "donor",
            "budget",
            "currency",
            "start",
            "end",
            "partners",
            "cities",
            "small_cell_threshold",
        ]
        read_only_fields = fields


class ProjectInputSerializer(serializers.ModelSerializer):
    """What an IOM officer sets on a project (slugs of organisations, codes of cities)."""

    donor = ScopedSlugRelatedField(
        model=Organisation,
        slug_field="slug",
        scope=lambda queryset: queryset.filter(kind=OrganisationKind.DONOR),
    )
    # Which organisations may implement a project is partners.services' rule (a donor never).
    partners = serializers.ListField(
        child=ScopedSlugRelatedField(model=Organisation, slug_field="slug"),
        required=False,
    )
    cities = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=City.objects.all()
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "donor",
            "budget",
            "currency",
            "start",
            "end",
            "partners",
            "cities",
            "small_cell_threshold",
        ]

    def validate_code(self, value):
        # A code never changes: project_update refuses another one.
        if self.instance is None and Project.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Un projet porte déjà ce code."))
        return value

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": [_("La fin du projet précède son début.")]})
        return attrs
