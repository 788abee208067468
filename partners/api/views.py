"""Organisations and projects: every signed-in role reads them (as far as `visible_to` lets
it); only IOM officers create or change projects, through partners.services."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.idempotency import IDEMPOTENCY_PARAMETER, run_idempotently
from core.api.schema import errors
from partners.api.permissions import ReadOnlyUnlessOfficer
from partners.api.serializers import (
    OrganisationSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
)
from partners.models import Organisation, Project
from partners.services import project_create, project_update


@extend_schema_view(
    list=extend_schema(
        summary="Annuaire des organisations",
        responses={200: OrganisationSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire une organisation",
        responses={200: OrganisationSerializer, **errors(401, 403, 404)},
    ),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """IOM, the partners and the donors (a donor sees itself and its implementing partners)."""

    serializer_class = OrganisationSerializer
    lookup_value_regex = r"[0-9]+"
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = ["kind", "is_active"]
    ordering_fields = ["name", "slug"]

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).select_related("city")


_project_write = {201: ProjectSerializer, **errors(400, 401, 403, 409, 422)}


@extend_schema_view(
    list=extend_schema(
        summary="Lister les projets visibles",
        responses={200: ProjectSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un projet", responses={200: ProjectSerializer, **errors(401, 403, 404)}
    ),
    create=extend_schema(
        summary="Créer un projet (OIM)",
        request=ProjectInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=_project_write,
    ),
    update=extend_schema(
        summary="Modifier un projet (OIM)",
        request=ProjectInputSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Modifier une partie d'un projet (OIM)",
        request=ProjectInputSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Projects: partners see those they implement, donors those they fund, IOM all."""

    serializer_class = ProjectSerializer
    lookup_value_regex = r"[0-9]+"
    permission_classes = [IsAuthenticated, ReadOnlyUnlessOfficer]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = {"donor__slug": ["exact"], "start": ["lte"], "end": ["gte"]}
    ordering_fields = ["start", "end", "code"]

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("donor")
            .prefetch_related("partners", "cities")
        )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ProjectInputSerializer
        return ProjectSerializer

    def _save(self, instance=None, *, partial=False):
        serializer = ProjectInputSerializer(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if instance is None:
            project = project_create(acting_user=self.request.user, **data)
        else:
            project = project_update(project=instance, acting_user=self.request.user, **data)
        return ProjectSerializer(project, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        return run_idempotently(
            request, lambda: Response(self._save(), status=status.HTTP_201_CREATED)
        )

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        return Response(self._save(instance, partial=partial))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
