"""`GET /api/v1/reports/bilan/`: the bilan JSON of DESIGN.md §4, scoped by role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import errors
from partners.access import actor_for
from reporting.api.serializers import BilanQuerySerializer
from reporting.engine import bilan, mission_bilan
from reporting.selectors import bilan_scope_for, require_published_shape, whole_project
from reporting.suppression import suppress_bilan

# What a donor may send: any other parameter (a city, a partner, a threshold…) is refused
# rather than ignored, so that nobody believes a cut or a lower k was applied.
DONOR_PARAMETERS = frozenset({"project", "period", "start", "end", "population", "format", "scope"})


MISSION_ONLY = _("Le bilan de la mission est réservé au personnel de l'OIM.")


class BilanView(APIView):
    """The bilan of one project over one period, or of the whole mission (`scope=mission`).

    IOM officers: any project, any period, any cut. Partner managers: the projects their
    organisation implements, with their own organisation's figures only. Donors: the projects
    they fund, whole (no provider or population cut), for a calendar quarter, a calendar year
    or the project's whole period only (400 otherwise, saying what they may ask), with small
    counts hidden at the project's threshold exactly as in the published PDF. Caseworkers:
    403. A project out of scope answers 404. The mission's bilan (every assistance of every
    project and of none, with `by_city` and `by_axis`) is for IOM staff only: 403 for anyone
    else.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Bilan d'un projet ou de la mission (JSON)",
        parameters=[BilanQuerySerializer],
        responses={
            200: OpenApiResponse(description="Le bilan (DESIGN.md §4)."),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request):
        mission = request.query_params.get("scope") == "mission"
        if mission and not actor_for(request.user).sees_everything:
            raise PermissionDenied(MISSION_ONLY)
        query = BilanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if mission:
            population = params.get("population", "all")
            return Response(mission_bilan(params["period"], population=population))
        scope = bilan_scope_for(request.user, params["project"], params.get("organisation"))
        period = params["period"] or whole_project(scope.project)
        cuts = [name for name in request.query_params if name not in DONOR_PARAMETERS]
        if params.get("population", "all") != "all":
            cuts.append("population")
        require_published_shape(scope, period, cuts=cuts)
        data = bilan(
            scope.project,
            period,
            organisation=scope.organisation,
            population=params.get("population", "all"),
        )
        if scope.donor_facing:
            data = suppress_bilan(data, scope.project.small_cell_threshold)
        return Response(data)
