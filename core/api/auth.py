"""`POST /api/v1/auth/token/`: username and password for a token, for programs."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from core.api.schema import ValidationErrorSerializer

# --- The second factor (a hook: partners knows who needs one and checks the code) -------------
_second_factor_check: Callable[[object, str], None] | None = None


def register_second_factor_check(check: Callable[[object, str], None]) -> None:
    """Install `check(user, otp)`, which raises a ValidationError (field `otp`) when `user`
    must give a second factor and `otp` is missing or wrong (PartnersConfig.ready())."""
    global _second_factor_check
    _second_factor_check = check


def check_second_factor(user, otp) -> None:
    """The token is given only with the second factor of a user who needs one: a token
    works without it afterwards (partners.second_factor_middleware lets token calls
    through)."""
    if _second_factor_check is None:
        raise ImproperlyConfigured(
            "core.api.auth: no second-factor check registered (partners registers it in its "
            "AppConfig.ready())"
        )
    _second_factor_check(user, otp or "")


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Code de l'application d'authentification ou code de secours, pour les "
        "comptes qui exigent un second facteur.",
    )


class TokenView(ObtainAuthToken):
    """Exchange a username and password (and, for an account that needs one, a code of its
    second factor in `otp`) for the user's API token (created once, then the same token is
    returned). Send it afterwards as `Authorization: Token <token>`."""

    authentication_classes: list = []
    parser_classes = [JSONParser, FormParser]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        summary="Obtenir un jeton d'API",
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(ValidationErrorSerializer, description="Identifiants refusés."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        check_second_factor(user, serializer.validated_data.get("otp"))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
