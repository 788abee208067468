"""`POST /api/v1/auth/token/`: username and password for a new token, for programs.

Guarded twice: a throttle per address (scope `token`, API_TOKEN_RATE) answers 429 before any
password is checked, and django-axes locks the username and the address after
LOGIN_FAILURE_LIMIT failures, as on the sign-in form (core.lockout).
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core import access
from core.api.schema import ValidationErrorSerializer, errors
from core.lockout import client_ip, forget_own_failures, raise_if_locked_out
from core.models import AccessEntry
from partners.access import actor_for
from partners.second_factor import check_token_request
from partners.services.tokens import api_token_create


class TokenRequestSerializer(serializers.Serializer):
    """The credentials, checked by the same backend as the sign-in page (partners.auth)."""

    username = serializers.CharField(label=gettext_lazy("Nom d'utilisateur"))
    password = serializers.CharField(
        label=gettext_lazy("Mot de passe"), style={"input_type": "password"}, trim_whitespace=False
    )
    name = serializers.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Pour le reconnaître dans « Mon compte » (défaut : « API »)."),
    )
    otp = serializers.CharField(
        label=gettext_lazy("Code du second facteur"),
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=gettext_lazy(
            "Le code de l'application d'authentification, ou un code de secours : exigé des "
            "comptes qui exigent un second facteur."
        ),
    )

    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise ValidationError(
                {"non_field_errors": [_("Nom d'utilisateur ou mot de passe incorrect.")]},
                code="authorization",
            )
        attrs["user"] = user
        return attrs


TokenResponse = inline_serializer(
    "Token",
    fields={
        "token": serializers.CharField(),
        "name": serializers.CharField(),
        "expires_at": serializers.DateTimeField(),
    },
)


class TokenView(APIView):
    """Exchange a username and password for a new API token. Send it afterwards as
    `Authorization: Token <token>`; it expires at `expires_at` and can be revoked on the
    user's page, "Mon compte". Each call makes a new token: keep it until it expires."""

    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [JSONParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        summary="Obtenir un jeton d'API",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponse,
            400: OpenApiResponse(ValidationErrorSerializer, description="Identifiants refusés."),
            **errors(429),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        # 1. The username and password.
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            raise_if_locked_out(request)
            raise
        user = serializer.validated_data["user"]
        # 2. What else the account must satisfy before a token is made.
        if actor_for(user).must_change_password:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Votre mot de passe a été réinitialisé : changez-le en vous "
                            "connectant au site avant de demander un jeton."
                        )
                    ]
                }
            )
        # The second factor of a user who needs one: the token then works without it (the
        # middleware lets token calls through), so it is asked here.
        check_token_request(user, serializer.validated_data.get("otp", ""))
        # 3. The token, shown this once.
        # (A service's refusal, e.g. too many live tokens, is a 400: core.api.exceptions.)
        token, key = api_token_create(
            user=user, name=serializer.validated_data.get("name", ""), acting_user=user
        )
        access.record(request, AccessEntry.Action.TOKEN_CREATED, user=user, instance=token)
        # As a sign-in on the form does (AXES_RESET_ON_SUCCESS): the program's own typos are
        # forgotten; no session is opened, so axes is not told of this success.
        forget_own_failures(username=user.get_username(), address=client_ip(request))
        return Response({"token": key, "name": token.name, "expires_at": token.expires_at})
