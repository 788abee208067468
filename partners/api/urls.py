"""API routes of the partners app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from partners.api.views import OrganisationViewSet, ProjectViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="api-organisation")
router.register("projects", ProjectViewSet, basename="api-project")

urlpatterns = router.urls
