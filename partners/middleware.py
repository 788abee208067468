"""After a manager or an IOM officer reset their password, a user changes it before anything
else: someone else has seen the temporary one."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.access import actor_for


def _allowed_paths() -> tuple[str, ...]:
    return (
        reverse("partners:password_change"),
        reverse("logout"),
        reverse("set_language"),
        # The second-factor pages (issue 13): a user asked to enrol there too reaches them,
        # or the two redirections would send each other round in a circle.
        "/account/second-factor/",
        "/static/",
    )


class PasswordChangeRequiredMiddleware:
    """Every page but the password change page (and sign-out, the language switch, the
    second-factor enrolment) redirects a flagged user to it; the API answers 403.

    The flag comes with the user's membership, which every signed-in request reads anyway
    (partners.access.actor_for, cached on the user): it costs no query. API calls with a token
    never get here flagged: a reset revokes the tokens, and the token endpoint makes none
    while the flag is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and actor_for(user).must_change_password
            and not request.path.startswith(_allowed_paths())
        ):
            if request.path.startswith("/api/"):
                message = _("Changez d'abord votre mot de passe, sur le site.")
                return JsonResponse({"detail": message}, status=403)
            return redirect("partners:password_change")
        return self.get_response(request)
