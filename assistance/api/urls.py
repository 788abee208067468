"""API routes of the assistance app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from assistance.api.views import AssistanceViewSet, ReferralViewSet, ReturnCaseViewSet

router = SimpleRouter()
router.register("assistances", AssistanceViewSet, basename="api-assistance")
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("return-cases", ReturnCaseViewSet, basename="api-return-case")

urlpatterns = router.urls
