"""API routes of the reporting app, mounted under /api/v1/."""

from django.urls import path

from reporting.api.views import BilanView

urlpatterns = [
    path("reports/bilan/", BilanView.as_view(), name="api-bilan"),
]
