"""Case work under /api/v1/ (DESIGN.md section 7)."""

from rest_framework.routers import SimpleRouter

from cases.api.views import CaseViewSet, DocumentViewSet, FollowUpViewSet, GoalViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="api-case")
router.register("followups", FollowUpViewSet, basename="api-followup")
router.register("goals", GoalViewSet, basename="api-goal")
router.register("documents", DocumentViewSet, basename="api-case-document")

urlpatterns = router.urls
