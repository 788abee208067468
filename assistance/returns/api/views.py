"""Return cases (AVRR) through the API: the scoped queryset, the shared FilterSet, and every
write through the return cases' services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from assistance.returns.api.serializers import (
    ReturnCaseAdvanceSerializer,
    ReturnCaseInputSerializer,
    ReturnCaseSerializer,
)
from assistance.returns.filters import ReturnCaseFilter
from assistance.returns.models import ReturnCase
from assistance.returns.services import return_case_advance, return_case_open
from core.api.idempotency import IDEMPOTENCY_PARAMETER
from core.api.schema import errors
from core.api.views import ScopedViewSet, ServiceCreateMixin


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
