"""Pages of the partners app: the user's second factor (partners.views)."""

from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("compte/second-facteur/", views.second_factor_overview, name="second_factor"),
    path(
        "compte/second-facteur/verifier/",
        views.second_factor_verify,
        name="second_factor_verify",
    ),
    path(
        "compte/second-facteur/activer/",
        views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "compte/second-facteur/codes/",
        views.second_factor_codes,
        name="second_factor_codes",
    ),
    path(
        "compte/second-facteur/codes/nouveaux/",
        views.backup_codes_renew,
        name="backup_codes_renew",
    ),
    path(
        "compte/second-facteur/comptes/",
        views.second_factor_members,
        name="second_factor_members",
    ),
    path(
        "compte/second-facteur/comptes/<int:membership_id>/reinitialiser/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
]
