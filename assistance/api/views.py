"""Assistances through the API: scoped querysets, the shared FilterSet, and every write
through assistance.services. Also a person's assistances (`beneficiaries/{id}/assistances/`):
the people's API lives below us and cannot list them. Referrals and return cases have their
API in their own packages (`referrals.api`, `returns.api`)."""

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
)
from assistance.filters import AssistanceFilter
from assistance.models import Assistance
from assistance.selectors import with_visible_links
from assistance.services import assistance_cancel, assistance_record, assistance_update
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
