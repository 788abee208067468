"""`GET /api/v1/reports/bilan/`: the bilan JSON of DESIGN.md §4, scoped by role."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import errors
from reporting.api.serializers import BilanQuerySerializer
from reporting.engine import bilan
from reporting.selectors import bilan_scope_for
from reporting.suppression import suppress_bilan


class BilanView(APIView):
    """The bilan of one project over one period.

    IOM officers: any project. Partner managers: the projects their organisation implements,
    with their own organisation's figures only. Donors: the projects they fund, with small
    counts hidden when the project sets a threshold. Caseworkers: 403. A project out of scope
    answers 404.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Bilan d'un projet (JSON)",
        parameters=[BilanQuerySerializer],
        responses={
            200: OpenApiResponse(description="Le bilan (DESIGN.md §4)."),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request):
        query = BilanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        scope = bilan_scope_for(request.user, params["project"], params.get("organisation"))
        data = bilan(
            scope.project,
            params["period"],
            organisation=scope.organisation,
            population=params.get("population", "all"),
        )
        if scope.donor_facing:
            data = suppress_bilan(data, scope.project.small_cell_threshold)
        return Response(data)
