"""Error shapes of the API for the OpenAPI schema, so clients (and schemathesis) know them."""

import functools

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={"detail": serializers.CharField()},
)

ThrottledSerializer = inline_serializer(
    name="Throttled",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "retry_after": serializers.IntegerField(),
    },
)

ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


@functools.cache
def conflict_serializer(output_serializer):
    return inline_serializer(
        name=f"{output_serializer.__name__.removesuffix('Serializer')}Conflict",
        fields={
            "detail": serializers.CharField(),
            "code": serializers.CharField(),
            "current": output_serializer(),
        },
    )


ERRORS = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Données invalides, par champ."),
    401: OpenApiResponse(ErrorSerializer, description="Non authentifié."),
    403: OpenApiResponse(ErrorSerializer, description="Rôle insuffisant."),
    404: OpenApiResponse(ErrorSerializer, description="Introuvable ou hors de votre périmètre."),
    409: OpenApiResponse(
        ErrorSerializer, description="Déjà créé à l'instant par une requête concurrente."
    ),
    422: OpenApiResponse(
        ErrorSerializer, description="Clé d'idempotence déjà utilisée pour une autre requête."
    ),
    429: OpenApiResponse(
        ThrottledSerializer,
        description="Trop de requêtes ou de connexions échouées : réessayez après Retry-After "
        "secondes.",
    ),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}
