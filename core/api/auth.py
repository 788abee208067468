"""`POST /api/v1/auth/token/`: username and password for a token, for programs.

Guarded twice: a throttle per address (scope `token`, API_TOKEN_RATE) answers 429 before any
password is checked, and django-axes locks the username and the address after
LOGIN_FAILURE_LIMIT failures, as on the sign-in form (core.lockout).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.throttling import ScopedRateThrottle

from core.api.schema import ValidationErrorSerializer, errors
from core.lockout import client_ip, forget_own_failures, raise_if_locked_out


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (created once, then the
    same token is returned). Send it afterwards as `Authorization: Token <token>`."""

    authentication_classes: list = []
    parser_classes = [JSONParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        summary="Obtenir un jeton d'API",
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(ValidationErrorSerializer, description="Identifiants refusés."),
            **errors(429),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        try:
            response = super().post(request, *args, **kwargs)
        except ValidationError:
            raise_if_locked_out(request)
            raise
        # As a sign-in on the form does (AXES_RESET_ON_SUCCESS): the program's own typos are
        # forgotten; no session is opened, so axes is not told of this success.
        forget_own_failures(username=request.data.get("username"), address=client_ip(request))
        return response
