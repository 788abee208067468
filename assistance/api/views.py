"""Assistances, referrals and return cases through the API: scoped querysets, the shared
FilterSets, and every write through assistance.services. Also a person's assistances
(`beneficiaries/{id}/assistances/`): the people's API lives below us and cannot list them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from assistance.api.serializers import (
    AssistanceCancelSerializer,
    AssistanceInputSerializer,
    AssistanceSerializer,
    AssistanceUpdateSerializer,
    ReferralDeclineSerializer,
    ReferralInputSerializer,
    ReferralOutcomeSerializer,
    ReferralSerializer,
    ReturnCaseAdvanceSerializer,
    ReturnCaseInputSerializer,
    ReturnCaseSerializer,
)
from assistance.filters import AssistanceFilter, ReferralFilter, ReturnCaseFilter
from assistance.models import Assistance, Referral, ReturnCase
from assistance.selectors import with_visible_links
from assistance.services import (
    assistance_cancel,
    assistance_record,
    assistance_update,
    referral_create,
    referral_record_outcome,
    referral_respond,
    return_case_advance,
    return_case_open,
)
from beneficiaries.models import Beneficiary
from core.api.concurrency import IF_MATCH_PARAMETER, expected_version
from core.api.idempotency import IDEMPOTENCY_PARAMETER
from core.api.schema import conflict_serializer, errors
from core.api.views import ScopedViewSet, ServiceCreateMixin, ServiceUpdateMixin


def _conflict(serializer):
    return {409: OpenApiResponse(conflict_serializer(serializer))}


@extend_schema_view(
    list=extend_schema(
        summary="Lister les assistances visibles",
        responses={200: AssistanceSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire une assistance",
        responses={200: AssistanceSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Enregistrer une assistance délivrée à une personne",
        request=AssistanceInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: AssistanceSerializer, **errors(400, 401, 403, 409, 422)},
    ),
    update=extend_schema(
        summary="Corriger une assistance (version requise)",
        request=AssistanceUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses={
            200: AssistanceSerializer,
            **_conflict(AssistanceSerializer),
            **errors(400, 401, 403, 404),
        },
    ),
    partial_update=extend_schema(
        summary="Corriger une partie d'une assistance (version requise)",
        request=AssistanceUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses={
            200: AssistanceSerializer,
            **_conflict(AssistanceSerializer),
            **errors(400, 401, 403, 404),
        },
    ),
)
class AssistanceViewSet(
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Services delivered: those the user's organisation provided and those received by the
    people it owns. Assistances are never deleted: `cancel` keeps the row out of the counts."""

    model = Assistance
    select_related = ("provider", "project", "city")
    filterset_class = AssistanceFilter
    output_serializer_class = AssistanceSerializer
    create_serializer_class = AssistanceInputSerializer
    update_serializer_class = AssistanceUpdateSerializer

    def get_queryset(self):
        return with_visible_links(super().get_queryset(), user=self.request.user)

    def create_record(self, fields):
        return assistance_record(acting_user=self.request.user, **fields)

    def update_record(self, instance, fields, version):
        return assistance_update(
            assistance=instance, acting_user=self.request.user, expected_version=version, **fields
        )

    @extend_schema(
        summary="Annuler une assistance (elle ne compte plus ; la ligne reste)",
        request=AssistanceCancelSerializer,
        parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
        responses={
            200: AssistanceSerializer,
            **_conflict(AssistanceSerializer),
            **errors(400, 401, 403, 404, 422),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(AssistanceCancelSerializer)
            version = expected_version(request, fields)
            assistance = assistance_cancel(
                assistance=instance,
                acting_user=request.user,
                reason=fields.get("reason", ""),
                expected_version=version,
            )
            return self.with_etag(Response(self.output(assistance).data), assistance)

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les référencements envoyés et reçus",
        responses={200: ReferralSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un référencement",
        responses={200: ReferralSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Référer une personne vers un partenaire ou une structure de santé",
        request=ReferralInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: ReferralSerializer, **errors(400, 401, 403, 409, 422)},
    ),
)
class ReferralViewSet(
    ServiceCreateMixin, ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Referrals the user's organisation sent or received. The receiving partner accepts (and
    then sees the person) or declines with a reason; the outcome is recorded once accepted,
    by the receiving partner (by the sender for a referral to an outside structure)."""

    model = Referral
    select_related = ("from_organisation", "to_organisation", "project")
    filterset_class = ReferralFilter
    output_serializer_class = ReferralSerializer
    create_serializer_class = ReferralInputSerializer

    def create_record(self, fields):
        return referral_create(acting_user=self.request.user, **fields)

    @extend_schema(
        summary="Accepter un référencement reçu (donne accès à la personne)",
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        instance = self.get_object()

        def handler():
            referral = referral_respond(referral=instance, accept=True, acting_user=request.user)
            return Response(self.output(referral).data)

        return self.idempotent(request, handler)

    @extend_schema(
        summary="Refuser un référencement reçu, avec son motif (lu par l'organisation d'origine)",
        request=ReferralDeclineSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(ReferralDeclineSerializer)
            referral = referral_respond(
                referral=instance,
                accept=False,
                acting_user=request.user,
                decline_reason=fields["decline_reason"],
                decline_note=fields.get("decline_note", ""),
            )
            return Response(self.output(referral).data)

        return self.idempotent(request, handler)

    @extend_schema(
        summary="Indiquer si le service a finalement été reçu",
        request=ReferralOutcomeSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(ReferralOutcomeSerializer)
            referral = referral_record_outcome(
                referral=instance,
                outcome=fields["outcome"],
                outcome_on=fields.get("outcome_on"),
                acting_user=request.user,
            )
            return Response(self.output(referral).data)

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les dossiers de retour (AVRR)",
        responses={200: ReturnCaseSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un dossier de retour",
        responses={200: ReturnCaseSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Ouvrir un dossier de retour (étape conseil)",
        request=ReturnCaseInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: ReturnCaseSerializer, **errors(400, 401, 403, 409, 422)},
    ),
)
class ReturnCaseViewSet(
    ServiceCreateMixin, ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Assisted voluntary return cases; each stage reached records its AVRR assistance."""

    model = ReturnCase
    select_related = ("organisation", "project")
    filterset_class = ReturnCaseFilter
    output_serializer_class = ReturnCaseSerializer
    create_serializer_class = ReturnCaseInputSerializer

    def create_record(self, fields):
        return return_case_open(acting_user=self.request.user, **fields)

    @extend_schema(
        summary="Faire avancer un dossier de retour d'une ou plusieurs étapes",
        request=ReturnCaseAdvanceSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReturnCaseSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(ReturnCaseAdvanceSerializer)
            case = return_case_advance(
                return_case=instance,
                stage=fields["stage"],
                on=fields.get("on"),
                acting_user=request.user,
            )
            return Response(self.output(case).data)

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Les assistances de cette personne (celles que vous pouvez voir)",
        description="Pour filtrer : `/api/v1/assistances/?beneficiary=<id>&…`.",
        filters=False,
        responses={200: AssistanceSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
)
class PersonAssistanceViewSet(ScopedViewSet):
    """`GET beneficiaries/{id}/assistances/`: the assistances of one person that the user may
    see. The URL names the person, looked up in the user's scope first (merged records
    included, as on the person's detail), so a person out of scope is a 404 like one that
    does not exist."""

    model = Beneficiary  # what the URL's id designates
    output_serializer_class = AssistanceSerializer  # what it answers
    filter_backends: list = []

    def list(self, request, *args, **kwargs):
        person = self.get_object()
        queryset = with_visible_links(
            Assistance.objects.visible_to(request.user)
            .filter(beneficiary=person)
            .select_related("provider", "project", "city"),
            user=request.user,
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.output(page, many=True).data)
