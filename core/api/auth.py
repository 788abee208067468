"""`POST /api/v1/auth/token/`: username and password for a token, for programs."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, JSONParser

from core.api.schema import ValidationErrorSerializer


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (created once, then the
    same token is returned). Send it afterwards as `Authorization: Token <token>`."""

    authentication_classes: list = []
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Obtenir un jeton d'API",
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(ValidationErrorSerializer, description="Identifiants refusés."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
