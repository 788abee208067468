"""Pages of the beneficiaries app. Object ids are named after their model
(`beneficiary_id`) so the sealing test can build every URL generically."""

from django.urls import path

from beneficiaries import views
from beneficiaries.merges import views as merge_views

app_name = "beneficiaries"
urlpatterns = [
    path("beneficiaires/", views.beneficiary_list, name="list"),
    path("beneficiaires/nouveau/", views.beneficiary_create, name="create"),
    path("beneficiaires/<int:beneficiary_id>/", views.beneficiary_detail, name="detail"),
    path("beneficiaires/<int:beneficiary_id>/modifier/", views.beneficiary_edit, name="edit"),
    path("beneficiaires/<int:beneficiary_id>/effacer/", views.beneficiary_erase, name="erase"),
    path(
        "beneficiaires/<int:beneficiary_id>/gel-legal/",
        views.beneficiary_legal_hold,
        name="legal_hold",
    ),
    path(
        "beneficiaires/<int:beneficiary_id>/fusionner/",
        merge_views.merge_start,
        name="merge",
    ),
    path(
        "beneficiaires/<int:beneficiary_id>/fusionner/comparer/",
        merge_views.merge_compare,
        name="merge_compare",
    ),
    path("beneficiaires/fusions/", merge_views.merge_list, name="merge_list"),
    path(
        "beneficiaires/fusions/<int:beneficiarymerge_id>/annuler/",
        merge_views.merge_undo,
        name="merge_undo",
    ),
    path(
        "beneficiaires/<int:beneficiary_id>/consentements/",
        views.consent_add,
        name="consent_add",
    ),
    path(
        "consentements/<int:consent_id>/retirer/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
]
