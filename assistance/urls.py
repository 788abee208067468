"""Pages of the assistance app. Object ids are named after their model (`assistance_id`,
`referral_id`, `returncase_id`, `activity_id`, `beneficiary_id`) so the sealing test can
build every URL generically."""

from django.urls import path

from assistance import views
from assistance.activities import views as activity_views
from assistance.referrals import views as referral_views
from assistance.returns import views as return_views

app_name = "assistance"
urlpatterns = [
    path("assistances/", views.assistance_list, name="list"),
    path("assistances/types/", views.subtype_options, name="subtype_options"),
    path(
        "beneficiaires/<int:beneficiary_id>/assistances/nouvelle/",
        views.assistance_create,
        name="create",
    ),
    path("assistances/<int:assistance_id>/modifier/", views.assistance_edit, name="edit"),
    path("assistances/<int:assistance_id>/annuler/", views.assistance_cancel, name="cancel"),
    path("activites/nouvelle/", activity_views.activity_create, name="activity_create"),
    path("activites/participants/", activity_views.participant_search, name="participant_search"),
    path("activites/<int:activity_id>/", activity_views.activity_detail, name="activity_detail"),
    path("referencements/", referral_views.referral_list, name="referral_list"),
    path(
        "beneficiaires/<int:beneficiary_id>/referer/",
        referral_views.referral_create,
        name="referral_create",
    ),
    path(
        "referencements/<int:referral_id>/", referral_views.referral_detail, name="referral_detail"
    ),
    path(
        "referencements/<int:referral_id>/reponse/",
        referral_views.referral_respond,
        name="referral_respond",
    ),
    path(
        "referencements/<int:referral_id>/refus/",
        referral_views.referral_decline,
        name="referral_decline",
    ),
    path(
        "referencements/<int:referral_id>/issue/",
        referral_views.referral_outcome,
        name="referral_outcome",
    ),
    path("retours/", return_views.return_list, name="return_list"),
    path(
        "beneficiaires/<int:beneficiary_id>/retour/", return_views.return_open, name="return_open"
    ),
    path("retours/<int:returncase_id>/", return_views.return_detail, name="return_detail"),
    path("retours/<int:returncase_id>/etape/", return_views.return_advance, name="return_advance"),
    path(
        "retours/<int:returncase_id>/reintegration/",
        return_views.return_reintegration,
        name="return_reintegration",
    ),
]
