"""Capacity building under /api/v1/."""

from rest_framework.routers import SimpleRouter

from capacity.api.views import CapacityEventViewSet

router = SimpleRouter()
router.register("capacity-events", CapacityEventViewSet, basename="api-capacity-event")

urlpatterns = router.urls
