"""What the API accepts and answers for capacity-building events.

The counts travel as {institution: {"F": n, "M": n, "unknown": n}}; related objects by code
(`project`, `city`, `sub_theme`) and the organisation by slug. `project` is looked up among
the projects the user may see; the organisation that ran the event comes from the request
(an IOM officer may name another).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity.choices import SEX_KEYS, EventKind, Institution, ParticipantSex
from capacity.models import MAX_COUNT, MAX_NAMED_PARTICIPANTS, CapacityEvent, EventParticipant
from core.api.concurrency import version_field
from core.api.fields import ScopedSlugRelatedField
from frameworks.models import SubTheme
from partners.models import City, Organisation, Project


def _sex_counts_serializer(*, output: bool):
    fields = {
        sex: serializers.IntegerField(
            min_value=0, max_value=MAX_COUNT, required=False, default=0, read_only=output
        )
        for sex in SEX_KEYS
    }
    if output:
        fields["total"] = serializers.IntegerField(read_only=True)
    return type(
        "SexCountsOutputSerializer" if output else "SexCountsSerializer",
        (serializers.Serializer,),
        fields,
    )


SexCountsSerializer = _sex_counts_serializer(output=False)
SexCountsOutputSerializer = _sex_counts_serializer(output=True)

CountsSerializer = type(
    "CountsSerializer",
    (serializers.Serializer,),
    {code: SexCountsSerializer(required=False) for code in Institution.values},
)
CountsOutputSerializer = type(
    "CountsOutputSerializer",
    (serializers.Serializer,),
    {code: SexCountsOutputSerializer(read_only=True) for code in Institution.values},
)


class ParticipantSerializer(serializers.ModelSerializer):
    """A named participant: a professional, not a beneficiary."""

    sex = serializers.ChoiceField(choices=ParticipantSex.choices, required=False, default="")
    institution = serializers.ChoiceField(choices=Institution.choices)

    class Meta:
        model = EventParticipant
        fields = ["name", "sex", "institution", "organisation_name", "function"]


class CapacityEventSerializer(serializers.ModelSerializer):
    """An event as the API shows it."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sub_theme = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    counts = serializers.SerializerMethodField()
    total = serializers.IntegerField(read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = CapacityEvent
        fields = [
            "id",
            "organisation",
            "project",
            "city",
            "kind",
            "title",
            "start",
            "end",
            "sub_theme",
            "notes",
            "counts",
            "total",
            "participants",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CountsOutputSerializer)
    def get_counts(self, event) -> dict:
        counts = event.counts()
        for cell in counts.values():
            cell["total"] = sum(cell.values())
        return counts


class _EventFieldsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(max_length=200)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    project = ScopedSlugRelatedField(
        model=Project, slug_field="code", required=False, allow_null=True
    )
    city = serializers.SlugRelatedField(slug_field="code", queryset=City.objects.all())
    sub_theme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=SubTheme.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    counts = CountsSerializer()
    participants = ParticipantSerializer(
        many=True, required=False, max_length=MAX_NAMED_PARTICIPANTS
    )


class CapacityEventInputSerializer(_EventFieldsSerializer):
    """Recording an event; `organisation` (a slug) only for IOM officers recording for a
    partner: anyone else records for their own organisation."""

    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.record_keepers(),
        required=False,
        allow_null=True,
    )


class CapacityEventUpdateSerializer(_EventFieldsSerializer):
    """Correcting an event, with the version last read. `counts` replaces every count;
    `participants`, when sent, replaces the named participants."""

    version = version_field()
