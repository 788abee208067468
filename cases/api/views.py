"""Case work through the API (DESIGN.md section 7): the same scoping and services as the pages.

- `cases/`: list, open, read, change the caseworker or the risk (version rule), `close/`,
  `reopen/`, and a case's `followups/`, `assessments/`, `goals/`, `notes/`, `documents/`;
- `followups/`: the follow-ups of the cases you may see (pending by default), `complete/`;
- `goals/{id}/`: change a goal, link an assistance to it;
- `documents/{id}/`: a document's metadata, `download/` its bytes.

Every case you may see (`Case.objects.visible_to`) is readable here; its notes and documents
answer only the owning organisation's staff (`CaseNote.objects.visible_to`): anyone else who
can see the case (an IOM officer on a partner's case) gets 404 on those routes. Each read of
notes or of a document is logged in the access log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cases.access import record_document_read, record_note_read
from cases.api.filters import CaseFilter, FollowUpFilter
from cases.api.serializers import (
    AssessmentInputSerializer,
    AssessmentSerializer,
    CaseCloseSerializer,
    CaseInputSerializer,
    CaseReopenSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
    FollowUpCompleteSerializer,
    FollowUpInputSerializer,
    FollowUpSerializer,
    GoalInputSerializer,
    GoalLinkSerializer,
    GoalSerializer,
    GoalUpdateSerializer,
    NoteInputSerializer,
    NoteSerializer,
)
from cases.models import Assessment, Case, CaseDocument, CaseNote, FollowUp, Goal
from cases.services import (
    assessment_record,
    case_close,
    case_open,
    case_reopen,
    case_update,
    document_read,
    document_upload,
    followup_add,
    followup_complete,
    goal_add,
    goal_link_assistance,
    goal_update,
    note_add,
)
from core import crypto
from core.api.concurrency import IF_MATCH_PARAMETER
from core.api.idempotency import IDEMPOTENCY_PARAMETER
from core.api.schema import conflict_serializer, errors
from core.api.views import ScopedViewSet, ServiceCreateMixin, ServiceUpdateMixin
from core.uploads import upload_refused

DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def _conflict(serializer):
    return {409: OpenApiResponse(conflict_serializer(serializer))}


def _too_large_message() -> str:
    megabytes = settings.DOCUMENT_MAX_UPLOAD_BYTES / (1024 * 1024)
    size = number_format(megabytes, decimal_pos=0 if megabytes == int(megabytes) else 1)
    return _("Le fichier dépasse %(size)s Mo.") % {"size": size}


def _goals_prefetch():
    return Prefetch(
        "goals", queryset=Goal.objects.order_by("target_date", "id").prefetch_related("assistances")
    )


def _assessments_prefetch():
    return Prefetch(
        "assessments",
        queryset=Assessment.objects.select_related("created_by").order_by("-assessed_on", "-id"),
        to_attr="prefetched_assessments",
    )


_UPDATE_RESPONSES = {
    200: CaseSerializer,
    **_conflict(CaseSerializer),
    **errors(400, 401, 403, 404),
}


@extend_schema_view(
    list=extend_schema(
        summary="Lister les dossiers de suivi visibles",
        responses={200: CaseSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un dossier (ni notes ni documents : leurs routes à part)",
        responses={200: CaseSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Ouvrir un dossier de suivi pour une personne",
        request=CaseInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CaseSerializer, **errors(400, 401, 403, 409, 422)},
    ),
    update=extend_schema(
        summary="Changer la personne qui suit le dossier et le niveau de risque (version requise)",
        request=CaseUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses=_UPDATE_RESPONSES,
    ),
    partial_update=extend_schema(
        summary="Changer la personne qui suit le dossier ou le niveau de risque (version requise)",
        request=CaseUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses=_UPDATE_RESPONSES,
    ),
)
class CaseViewSet(
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Cases the user may see: their organisation's (every case, for IOM officers). Writes on
    a case are its organisation's: another who sees it is refused (403)."""

    model = Case
    select_related = ("organisation",)
    filterset_class = CaseFilter
    output_serializer_class = CaseSerializer
    create_serializer_class = CaseInputSerializer
    update_serializer_class = CaseUpdateSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("list", "retrieve"):
            queryset = queryset.prefetch_related(_goals_prefetch(), _assessments_prefetch())
        return queryset

    def create_record(self, fields):
        return case_open(acting_user=self.request.user, **fields)

    def update_record(self, instance, fields, version):
        return case_update(
            case=instance, acting_user=self.request.user, expected_version=version, **fields
        )

    def owned_case(self) -> Case:
        """The case, for its own organisation's staff only: the rule of its notes and
        documents (`CaseNote.objects.visible_to`: the case's organisation is the user's).
        Anyone else, even one who sees the case, gets 404."""
        case = self.get_object()
        if not Case.objects.writable_by(self.request.user).filter(pk=case.pk).exists():
            raise Http404
        return case

    def _created(self, serializer_class, instance):
        return Response(
            serializer_class(instance, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _page(self, serializer_class, queryset, **context):
        page = self.paginate_queryset(queryset)
        data = serializer_class(
            page, many=True, context={**self.get_serializer_context(), **context}
        ).data
        return self.get_paginated_response(data)

    # --- Status -----------------------------------------------------------------------------

    @extend_schema(
        summary="Clôturer un dossier avec son motif (« other » : précisez dans `note`)",
        request=CaseCloseSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: CaseSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()

        def handler():
            fields = self.input(CaseCloseSerializer)
            closed = case_close(case=case, acting_user=request.user, **fields)
            return self.with_etag(Response(self.output(self._fresh(closed)).data), closed)

        return self.idempotent(request, handler)

    @extend_schema(
        summary="Rouvrir un dossier clôturé, en disant pourquoi",
        request=CaseReopenSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: CaseSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        case = self.get_object()

        def handler():
            fields = self.input(CaseReopenSerializer)
            reopened = case_reopen(case=case, acting_user=request.user, **fields)
            return self.with_etag(Response(self.output(self._fresh(reopened)).data), reopened)

        return self.idempotent(request, handler)

    def _fresh(self, case: Case) -> Case:
        return self.get_queryset().prefetch_related(_goals_prefetch()).get(pk=case.pk)

    # --- Follow-ups, assessments, goals -----------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="Les suivis d'un dossier (faits et en attente)",
        filters=False,
        responses={200: FollowUpSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Prévoir un suivi (échéance, action, responsable)",
        request=FollowUpInputSerializer,
        filters=False,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: FollowUpSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def followups(self, request, pk=None):
        case = self.get_object()
        if request.method == "GET":
            return self._page(
                FollowUpSerializer, case.followups.select_related("case").order_by("due_on", "pk")
            )

        def handler():
            fields = self.input(FollowUpInputSerializer)
            return self._created(
                FollowUpSerializer, followup_add(case=case, acting_user=request.user, **fields)
            )

        return self.idempotent(request, handler)

    @extend_schema(
        methods=["GET"],
        summary="Les évaluations d'un dossier, la plus récente d'abord",
        filters=False,
        responses={200: AssessmentSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Enregistrer une évaluation (besoins, vulnérabilités, synthèse)",
        request=AssessmentInputSerializer,
        filters=False,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: AssessmentSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def assessments(self, request, pk=None):
        case = self.get_object()
        if request.method == "GET":
            return self._page(
                AssessmentSerializer,
                case.assessments.select_related("created_by").order_by("-assessed_on", "-pk"),
            )

        def handler():
            fields = self.input(AssessmentInputSerializer)
            return self._created(
                AssessmentSerializer,
                assessment_record(case=case, acting_user=request.user, **fields),
            )

        return self.idempotent(request, handler)

    @extend_schema(
        summary="Ajouter un objectif au plan du dossier",
        request=GoalInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: GoalSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def goals(self, request, pk=None):
        case = self.get_object()

        def handler():
            fields = self.input(GoalInputSerializer)
            return self._created(
                GoalSerializer, goal_add(case=case, acting_user=request.user, **fields)
            )

        return self.idempotent(request, handler)

    # --- Confidential: notes and documents --------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="Lire les notes confidentielles d'un dossier (son organisation seule ; "
        "chaque lecture est journalisée)",
        filters=False,
        responses={200: NoteSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Écrire une note confidentielle (chiffrée au repos)",
        request=NoteInputSerializer,
        filters=False,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: NoteSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def notes(self, request, pk=None):
        case = self.owned_case()
        if request.method == "GET":
            notes = (
                CaseNote.objects.visible_to(request.user)
                .filter(case=case)
                .select_related("case", "created_by")
                .order_by("-written_on", "-pk")
            )
            page = self.paginate_queryset(notes)
            texts = {note.pk: crypto.decrypt_text(note.body_encrypted) for note in page}
            record_note_read(request, list(page))
            data = NoteSerializer(
                page, many=True, context={**self.get_serializer_context(), "note_texts": texts}
            ).data
            return self.get_paginated_response(data)

        def handler():
            fields = self.input(NoteInputSerializer)
            note = note_add(case=case, acting_user=request.user, **fields)
            # The writer's own words come back as stored (cleaned): not a read to log.
            texts = {note.pk: crypto.decrypt_text(note.body_encrypted)}
            context = {**self.get_serializer_context(), "note_texts": texts}
            body = NoteSerializer(note, context=context).data
            return Response(body, status=status.HTTP_201_CREATED)

        return self.idempotent(request, handler)

    @extend_schema(
        methods=["GET"],
        summary="Les documents d'un dossier (leurs métadonnées ; son organisation seule)",
        filters=False,
        responses={200: DocumentSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Déposer un document (PDF, JPEG ou PNG, vérifié sur le contenu ; chiffré)",
        request={"multipart/form-data": DocumentInputSerializer},
        filters=False,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: DocumentSerializer,
            **errors(400, 401, 403, 404, 422),
            413: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="`file` : le corps dépasse la limite d'envoi ; il n'a pas été lu.",
            ),
        },
        description=(
            "400 : `file` n'est pas un PDF, un JPEG ou un PNG (d'après son contenu, quel que "
            "soit son nom), est vide ou dépasse `DOCUMENT_MAX_UPLOAD_MB` (10 Mo) ; 413 : le "
            "corps dépasse la limite d'envoi de l'application, arrêté avant d'être lu."
        ),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser],
    )
    def documents(self, request, pk=None):
        case = self.owned_case()
        if request.method == "GET":
            return self._page(
                DocumentSerializer,
                CaseDocument.objects.visible_to(request.user)
                .filter(case=case)
                .select_related("created_by")
                .order_by("-created_at", "-pk"),
            )
        body = request.data  # parsed here: a file over the limit is stopped, never read
        if upload_refused(request):
            return Response(
                {"file": [_too_large_message()]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
            )

        def handler():
            data = DocumentInputSerializer(data=body, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            fields = data.validated_data
            try:
                document = document_upload(
                    case=case,
                    kind=fields["kind"],
                    title=fields.get("title", ""),
                    uploaded_file=fields["file"],
                    acting_user=request.user,
                )
            except DjangoValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise
                # What core.uploads.validate_document says of the file itself.
                raise ValidationError({"file": exc.messages}) from exc
            return self._created(DocumentSerializer, document)

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Les suivis des dossiers visibles (en attente par défaut)",
        description=(
            "`assignee=me` : les vôtres ; `due_before=AAAA-MM-JJ` : échéance avant ce jour "
            "(exclu) ; `done=true` : les suivis faits, `done=false` (par défaut) : en attente."
        ),
        responses={200: FollowUpSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un suivi", responses={200: FollowUpSerializer, **errors(401, 403, 404)}
    ),
)
class FollowUpViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Follow-ups of the cases the user may see."""

    model = FollowUp
    select_related = ("case",)
    filterset_class = FollowUpFilter
    output_serializer_class = FollowUpSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("due_on", "pk")

    @extend_schema(
        summary="Marquer un suivi comme fait (date et résultat)",
        request=FollowUpCompleteSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: FollowUpSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        followup = self.get_object()

        def handler():
            fields = self.input(FollowUpCompleteSerializer)
            done = followup_complete(followup=followup, acting_user=request.user, **fields)
            return Response(self.output(done).data)

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Les objectifs des dossiers visibles",
        responses={200: GoalSerializer(many=True), **errors(401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un objectif", responses={200: GoalSerializer, **errors(401, 403, 404)}
    ),
    partial_update=extend_schema(
        summary="Changer un objectif (son statut au fil du suivi, sa date, ses services)",
        request=GoalUpdateSerializer,
        responses={200: GoalSerializer, **errors(400, 401, 403, 404)},
    ),
)
class GoalViewSet(ScopedViewSet, mixins.RetrieveModelMixin):
    """Goals of the cases the user may see; their case's organisation changes them."""

    model = Goal
    output_serializer_class = GoalSerializer
    update_serializer_class = GoalUpdateSerializer
    filter_backends: list = []
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("assistances")

    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        fields = self.input(GoalUpdateSerializer, partial=True)
        updated = goal_update(goal=goal, acting_user=request.user, **fields)
        return self.with_etag(Response(self.output(self._fresh(updated)).data), updated)

    def _fresh(self, goal: Goal) -> Goal:
        return self.get_queryset().get(pk=goal.pk)

    @extend_schema(
        summary="Lier à l'objectif une assistance délivrée à la personne (qui le sert)",
        request=GoalLinkSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: GoalSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def assistances(self, request, pk=None):
        goal = self.get_object()

        def handler():
            fields = self.input(GoalLinkSerializer)
            linked = goal_link_assistance(
                goal=goal, assistance=fields["assistance"], acting_user=request.user
            )
            return Response(self.output(self._fresh(linked)).data)

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Les documents des dossiers de votre organisation (leurs métadonnées)",
        responses={200: DocumentSerializer(many=True), **errors(401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire les métadonnées d'un document (son organisation seule)",
        responses={200: DocumentSerializer, **errors(401, 403, 404)},
    ),
)
class DocumentViewSet(ScopedViewSet, mixins.RetrieveModelMixin):
    """Documents of the user's organisation's cases (`CaseDocument.objects.visible_to`)."""

    model = CaseDocument
    select_related = ("case", "created_by")
    output_serializer_class = DocumentSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Télécharger un document (en pièce jointe ; chaque téléchargement est journalisé)",
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in DOCUMENT_TYPES},
            **errors(401, 403, 404),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        data, content_type, filename = document_read(document=document, user=request.user)
        record_document_read(request, document)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
