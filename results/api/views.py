"""`GET /api/v1/projects/{id}/targets/`: a project's targets with achieved over the project's
period so far (read only; the project as `visible_to` lets the caller see it, else 404)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import errors
from partners.models import Project
from results import selectors
from results.api.serializers import ProjectTargetsSerializer


class ProjectTargetsView(APIView):
    """A project's targets with what was achieved against them, read only."""

    model = Project  # what `pk` designates (for the tenancy matrix and the schema)
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Valeurs cibles d'un projet et valeurs atteintes",
        responses={200: ProjectTargetsSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
        period = selectors.default_period(project)
        groups = selectors.progress(project, period, user=request.user)
        data = {
            "project": project.code,
            "start": period.start,
            "end": period.end,
            "targets": [row for group in groups for row in group.targets],
        }
        return Response(ProjectTargetsSerializer(data).data)
