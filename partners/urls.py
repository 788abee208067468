"""Pages of the partners app: the user's own page, their API tokens, the password pages and
the locked sign-ins."""

from django.urls import path

from partners import views

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
    path(
        "account/users/<int:membership_id>/password/",
        views.member_password_reset,
        name="member_password_reset",
    ),
    path("comptes-bloques/", views.lockout_list, name="lockouts"),
    path("comptes-bloques/debloquer/", views.lockout_release, name="lockout_release"),
]
