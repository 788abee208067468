"""API routes of the beneficiaries app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from beneficiaries.api.views import BeneficiaryViewSet, ConsentViewSet

router = SimpleRouter()
router.register("beneficiaries", BeneficiaryViewSet, basename="api-beneficiary")
router.register("consents", ConsentViewSet, basename="api-consent")

urlpatterns = router.urls
