"""API routes of the assistance app (assistances, referrals, return cases), mounted under
/api/v1/."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from assistance.api.views import AssistanceViewSet, PersonAssistanceViewSet
from assistance.referrals.api.views import ReferralViewSet
from assistance.returns.api.views import ReturnCaseViewSet

router = SimpleRouter()
router.register("assistances", AssistanceViewSet, basename="api-assistance")
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("return-cases", ReturnCaseViewSet, basename="api-return-case")

urlpatterns = [
    *router.urls,
    # A person's assistances, next to the people's routes (beneficiaries.api.urls).
    re_path(
        r"^beneficiaries/(?P<pk>[0-9]+)/assistances/$",
        PersonAssistanceViewSet.as_view({"get": "list"}),
        name="api-beneficiary-assistances",
    ),
]
