"""API routes of the beneficiaries app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from beneficiaries.api.views import BeneficiaryViewSet

router = SimpleRouter()
router.register("beneficiaries", BeneficiaryViewSet, basename="api-beneficiary")

urlpatterns = router.urls
