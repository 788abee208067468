"""Nothing but the second factor's own pages until it is given (DESIGN.md section 8).

A signed-in user who must give a second factor (partners.second_factor.second_factor_due)
and has not in this session reaches only: the pages that enrol or verify it, sign-in and
sign-out, the language switch, static files, the favicon and the health check, and the API's
token endpoint (which asks the code itself). Any other page, the admin included, sends them
to the verification page (or to enrolment when they have no second factor yet) and back to
where they were going; an htmx request is told to go there; an API call made with the
session gets a JSON 403 in the API's error shape. An API call sent with a token is left to
DRF: that token was given against the second factor (partners.api.tokens).
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from partners import second_factor

SECOND_FACTOR_REQUIRED_CODE = "second_factor_required"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def _open_paths(self) -> tuple[str, ...]:
        """Exact paths reachable before the second factor."""
        return tuple(
            reverse(name)
            for name in (
                "partners:second_factor_verify",
                "partners:second_factor_enrol",
                "partners:second_factor_codes",
                "login",
                "logout",
                "healthz",
                "favicon",
                "api-token",
            )
        )

    @cached_property
    def _open_prefixes(self) -> tuple[str, ...]:
        return ("/i18n/", "/" + settings.STATIC_URL.lstrip("/"))

    @cached_property
    def _api_prefix(self) -> str:
        return reverse("api-token").split("auth/")[0]  # /api/v1/

    def __call__(self, request):
        if self._blocked(request):
            return self._refuse(request)
        return self.get_response(request)

    def _blocked(self, request) -> bool:
        path = request.path_info
        if path in self._open_paths or path.startswith(self._open_prefixes):
            return False
        user = request.user
        if not user.is_authenticated or second_factor.is_verified(request):
            return False
        if path.startswith(self._api_prefix) and _sends_a_token(request):
            return False
        return second_factor.second_factor_due(user)

    def _refuse(self, request):
        if request.path_info.startswith(self._api_prefix):
            return JsonResponse(
                {
                    "detail": _(
                        "Un second facteur est exigé : validez-le sur le site web avant "
                        "d'utiliser l'API avec cette session."
                    ),
                    "code": SECOND_FACTOR_REQUIRED_CODE,
                },
                status=403,
            )
        name = (
            "partners:second_factor_verify"
            if second_factor.has_second_factor(request.user)
            else "partners:second_factor_enrol"
        )
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)


def _token_keywords() -> set[str]:
    """The keywords of the API's token authentications (`Token`), as DRF is configured."""
    return {
        keyword.lower()
        for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES
        if (keyword := getattr(cls, "keyword", None))
    }


def _sends_a_token(request) -> bool:
    """An `Authorization: Token …` header: DRF authenticates the call by it and never by the
    session (a wrong token is refused, not passed over). Any other scheme would fall through
    to the session, so it does not count."""
    keyword, _space, key = request.headers.get("Authorization", "").partition(" ")
    return keyword.lower() in _token_keywords() and bool(key.strip())
