"""What the API accepts and answers for case work (DESIGN.md section 7).

A case's representation carries its status, dates, closure, goals and latest assessment, and
never its confidential notes or documents: those have their own routes, for the owning
organisation alone. The case's organisation and the acting user come from the request; a user
named in a body (`assigned_to`, `assignee`) is looked up among the active members of the
requesting user's organisation, so another organisation's user is "not found" like a missing
one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assistance.api.serializers import beneficiary_field
from assistance.choices import Category
from assistance.models import Assistance
from beneficiaries.choices import Vulnerability
from cases.choices import ClosureReason, DocumentKind, GoalStatus, RiskLevel
from cases.models import (
    Assessment,
    Case,
    CaseDocument,
    CaseNote,
    FollowUp,
    Goal,
    planned_service_choices,
)
from cases.services.confidential import NOTE_MAX_CHARS
from core import clock
from core.api.concurrency import version_field
from core.api.fields import ScopedPrimaryKeyRelatedField
from partners.access import actor_for

TEXT_MAX = 5000


class ColleagueField(serializers.PrimaryKeyRelatedField):
    """A user id among the active members of the requesting user's organisation (whether they
    may carry cases is the services' rule: a clear error on the field)."""

    default_error_messages = {
        "does_not_exist": _("« {pk_value} » : introuvable ou hors de votre périmètre."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        organisation_id = actor_for(getattr(request, "user", None)).organisation_id
        if not organisation_id:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(
            is_active=True,
            membership__organisation_id=organisation_id,
            membership__is_active=True,
        )


def _username(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, **kwargs
    )


# --- Output ----------------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    """A dated assessment of the person's needs and vulnerabilities."""

    needs = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices))
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Vulnerability.choices)
    )
    created_by = _username()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "assessed_on",
            "needs",
            "vulnerabilities",
            "summary",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    """A goal of the case plan, with the ids of the assistances linked to it."""

    services = serializers.ListField(
        child=serializers.ChoiceField(choices=planned_service_choices())
    )
    assistances = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "case",
            "title",
            "services",
            "target_date",
            "status",
            "assistances",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(AssessmentSerializer(allow_null=True))
class LatestAssessmentField(serializers.Field):
    """The case's latest assessment, read from the `prefetched_assessments` the views load
    newest first (no query per case), or asked once for a single case."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, case):
        assessments = getattr(case, "prefetched_assessments", None)
        if assessments is None:
            latest = case.assessments.order_by("-assessed_on", "-id").first()
        else:
            latest = assessments[0] if assessments else None
        if latest is None:
            return None
        return AssessmentSerializer(latest, context=self.context).data


class CaseSerializer(serializers.ModelSerializer):
    """A case as the API shows it: no note and no document, ever."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, allow_blank=True, read_only=True
    )
    goals = GoalSerializer(many=True, read_only=True)
    latest_assessment = LatestAssessmentField()

    class Meta:
        model = Case
        fields = [
            "id",
            "beneficiary",
            "organisation",
            "status",
            "assigned_to",
            "risk_level",
            "opened_on",
            "closed_on",
            "closure_reason",
            "closure_note",
            "goals",
            "latest_assessment",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    """A planned action on a case; `overdue` while pending past its date."""

    beneficiary = serializers.IntegerField(source="case.beneficiary_id", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "case",
            "beneficiary",
            "due_on",
            "assignee",
            "action",
            "done_on",
            "result",
            "overdue",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, followup) -> bool:
        return followup.is_overdue(clock.today())


class NoteSerializer(serializers.ModelSerializer):
    """A confidential note, its text decrypted (the views answer only the owning
    organisation's staff, and log each read)."""

    body = serializers.SerializerMethodField()
    created_by = _username()

    class Meta:
        model = CaseNote
        fields = ["id", "case", "written_on", "body", "created_by", "created_at"]
        read_only_fields = fields

    def get_body(self, note) -> str:
        return self.context["note_texts"][note.pk]


class DocumentSerializer(serializers.ModelSerializer):
    """A document's metadata; its bytes come from `documents/{id}/download/`."""

    created_by = _username()

    class Meta:
        model = CaseDocument
        fields = ["id", "case", "kind", "title", "content_type", "size", "created_by", "created_at"]
        read_only_fields = fields


# --- Input -----------------------------------------------------------------------------------


class CaseInputSerializer(serializers.Serializer):
    """Opening a case for a person you may see, held by your organisation."""

    beneficiary = beneficiary_field()
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    assigned_to = ColleagueField(
        required=False,
        allow_null=True,
        help_text=_("Par défaut : vous."),
    )
    opened_on = serializers.DateField(required=False, help_text=_("Par défaut : aujourd'hui."))


class CaseUpdateSerializer(serializers.Serializer):
    """Changing a case's caseworker or risk level, with the version last read."""

    assigned_to = ColleagueField(allow_null=True)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    version = version_field()


class CaseCloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text=_("Obligatoire pour le motif « other »."),
    )
    closed_on = serializers.DateField(required=False, help_text=_("Par défaut : aujourd'hui."))


class CaseReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)
    reopened_on = serializers.DateField(required=False, help_text=_("Par défaut : aujourd'hui."))


class FollowUpInputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    action = serializers.CharField(max_length=TEXT_MAX)
    assignee = ColleagueField(
        required=False,
        allow_null=True,
        help_text=_("Par défaut : la personne qui tient le dossier."),
    )


class FollowUpCompleteSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    done_on = serializers.DateField(required=False, help_text=_("Par défaut : aujourd'hui."))


class NoteInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=NOTE_MAX_CHARS)
    written_on = serializers.DateField(required=False, help_text=_("Par défaut : aujourd'hui."))


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    file = serializers.FileField(help_text=_("PDF, JPEG ou PNG (vérifié sur le contenu)."))


class AssessmentInputSerializer(serializers.Serializer):
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), max_length=len(Category.values)
    )
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Vulnerability.choices),
        required=False,
        max_length=len(Vulnerability.values),
    )
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    assessed_on = serializers.DateField(required=False, help_text=_("Par défaut : aujourd'hui."))


def _services_field(**kwargs):
    choices = planned_service_choices()
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), max_length=len(choices), **kwargs
    )


class GoalInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    services = _services_field(required=False)
    target_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)


class GoalUpdateSerializer(serializers.Serializer):
    """A goal's change (PATCH: the fields sent)."""

    title = serializers.CharField(max_length=200)
    services = _services_field()
    target_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices)


class GoalLinkSerializer(serializers.Serializer):
    """The assistance (an id you may see) that serves the goal."""

    assistance = ScopedPrimaryKeyRelatedField(model=Assistance)
