"""Pages of the partners app: the user's second factor (partners.views)."""

from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("account/second-factor/", views.second_factor_overview, name="second_factor"),
    path(
        "account/second-factor/verify/",
        views.second_factor_verify,
        name="second_factor_verify",
    ),
    path(
        "account/second-factor/enrol/",
        views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "account/second-factor/codes/",
        views.second_factor_codes,
        name="second_factor_codes",
    ),
    path(
        "account/second-factor/codes/new/",
        views.backup_codes_renew,
        name="backup_codes_renew",
    ),
    path(
        "account/second-factor/members/",
        views.second_factor_members,
        name="second_factor_members",
    ),
    path(
        "account/second-factor/members/<int:membership_id>/reset/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
]
