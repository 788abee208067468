"""API routes of the results app, mounted under /api/v1/."""

from django.urls import path

from results.api.views import ProjectTargetsView

urlpatterns = [
    path("projects/<int:pk>/targets/", ProjectTargetsView.as_view(), name="api-project-targets"),
]
