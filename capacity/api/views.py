"""Capacity-building events through the API: the same scoping as the pages (the
organisation's staff and IOM officers; donors are refused by role), every write through
capacity.services."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from capacity.api.serializers import (
    CapacityEventInputSerializer,
    CapacityEventSerializer,
    CapacityEventUpdateSerializer,
)
from capacity.filters import CapacityEventFilter
from capacity.models import CapacityEvent, EventParticipant
from capacity.services import capacity_event_delete, capacity_event_record, capacity_event_update
from core.api.concurrency import IF_MATCH_PARAMETER, _from_if_match
from core.api.idempotency import IDEMPOTENCY_PARAMETER
from core.api.schema import conflict_serializer, errors
from core.api.views import ScopedViewSet, ServiceCreateMixin, ServiceUpdateMixin

_CONFLICT = {409: OpenApiResponse(conflict_serializer(CapacityEventSerializer))}
_UPDATE = {200: CapacityEventSerializer, **_CONFLICT, **errors(400, 401, 403, 404)}


@extend_schema_view(
    list=extend_schema(
        summary="Lister les formations, ateliers et réunions visibles",
        responses={200: CapacityEventSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un événement de renforcement des capacités",
        responses={200: CapacityEventSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Enregistrer une formation, un atelier ou une réunion de coordination",
        request=CapacityEventInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CapacityEventSerializer, **errors(400, 401, 403, 409, 422)},
    ),
    update=extend_schema(
        summary="Corriger un événement (version requise)",
        request=CapacityEventUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses=_UPDATE,
    ),
    partial_update=extend_schema(
        summary="Corriger une partie d'un événement (version requise)",
        request=CapacityEventUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses=_UPDATE,
    ),
    destroy=extend_schema(
        summary="Supprimer un événement (et ses participant·es nommé·es)",
        parameters=[IF_MATCH_PARAMETER],
        responses={204: None, **_CONFLICT, **errors(400, 401, 403, 404)},
    ),
)
class CapacityEventViewSet(
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Trainings, workshops and coordination meetings for professionals, with their
    participants counted by institution × sex (never persons assisted)."""

    model = CapacityEvent
    select_related = ("organisation", "project", "city", "sub_theme")
    filterset_class = CapacityEventFilter
    output_serializer_class = CapacityEventSerializer
    create_serializer_class = CapacityEventInputSerializer
    update_serializer_class = CapacityEventUpdateSerializer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("participants", queryset=EventParticipant.objects.order_by("pk"))
            )
            .order_by("-start", "-pk")
        )

    def create_record(self, fields):
        return capacity_event_record(acting_user=self.request.user, **fields)

    def update_record(self, instance, fields, version):
        return capacity_event_update(
            event=instance, acting_user=self.request.user, expected_version=version, **fields
        )

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        version = _from_if_match(request.headers.get("If-Match"))
        capacity_event_delete(event=instance, acting_user=request.user, expected_version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)
