"""The results framework's panel on the reporting dashboard (registered with
reporting.hooks in ResultsConfig.ready): achieved / target for the selected project."""

from __future__ import annotations

from partners.models import Project
from results import selectors


def dashboard_section(request, scope, period):
    """None without a project (or one out of the viewer's scope), else the panel."""
    if not scope.project_id:
        return None
    project = Project.objects.visible_to(request.user).filter(pk=scope.project_id).first()
    if project is None:
        return None
    return (
        "results/_dashboard_section.html",
        {
            "project": project,
            "period": period,
            "progress": selectors.progress(project, period, user=request.user),
        },
    )
