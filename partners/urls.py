"""Pages of the partners app: the user's own page, their API tokens, their second factor, the
password pages, the members a manager looks after, the locked sign-ins and the security
hub that leads to them."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from partners import second_factor_views, views

app_name = "partners"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/tokens/new/", views.token_create, name="token_create"),
    path("account/tokens/<int:apitoken_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/tokens/revoke-all/", views.token_revoke_all, name="token_revoke_all"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    # A forgotten password, by e-mail: only when a mail server is configured (else 404).
    path("account/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Managers (their organisation's members) and IOM officers (everyone).
    path("account/users/", views.members, name="members"),
    path("account/users/new/", views.member_invite_view, name="member_invite"),
    path(
        "account/users/<int:membership_id>/deactivate/",
        views.member_deactivate_view,
        name="member_deactivate",
    ),
    path(
        "account/users/<int:membership_id>/reactivate/",
        views.member_reactivate_view,
        name="member_reactivate",
    ),
    path(
        "account/users/<int:membership_id>/password/",
        views.member_password_reset,
        name="member_password_reset",
    ),
    path("securite/", views.security, name="security"),
    path("comptes-bloques/", views.lockout_list, name="lockouts"),
    path("comptes-bloques/debloquer/", views.lockout_release, name="lockout_release"),
    path(
        "account/second-factor/", second_factor_views.second_factor_overview, name="second_factor"
    ),
    path(
        "account/second-factor/verify/",
        second_factor_views.second_factor_verify,
        name="second_factor_verify",
    ),
    path(
        "account/second-factor/enrol/",
        second_factor_views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "account/second-factor/codes/",
        second_factor_views.second_factor_codes,
        name="second_factor_codes",
    ),
    path(
        "account/second-factor/codes/new/",
        second_factor_views.backup_codes_renew,
        name="backup_codes_renew",
    ),
    # The second factor's members page was merged into account/users/: old links still land.
    path(
        "account/second-factor/members/",
        login_required(RedirectView.as_view(pattern_name="partners:members", query_string=True)),
    ),
    path(
        "account/second-factor/members/<int:membership_id>/reset/",
        second_factor_views.second_factor_reset,
        name="second_factor_reset",
    ),
]
