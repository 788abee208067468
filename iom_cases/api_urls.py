"""Everything under /api/v1/: each app's routes, the token endpoint, the schema and docs."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api.views import not_found
from partners.api.tokens import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("partners.api.urls")),
    path("", include("beneficiaries.api.urls")),
    path("", include("assistance.api.urls")),
    path("", include("assistance.api.imports")),
    path("", include("cases.api.urls")),
    path("", include("capacity.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("results.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A page for the browser: sign in first (the schema it loads needs the session anyway).
    # The split view serves its start-up script as a file, not inline (the CSP refuses those).
    path(
        "docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="core/api_docs.html"
            )
        ),
        name="api-docs",
    ),
    # Last: any other path under /api/v1/ answers a JSON 404, not the HTML page.
    re_path(r"^[\s\S]*$", not_found, name="api-not-found"),
]
