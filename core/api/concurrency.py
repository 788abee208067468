"""Optimistic concurrency: which version of a record the client last saw.

Clients send it as `version` in the body, or as an `If-Match` header (`If-Match: 3` or the
`ETag` we return, `"3"`). The services compare it with the stored version and raise
ConflictError when someone saved in between; the exception handler answers 409 with the
current record.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

VERSION_REQUIRED = _(
    "Indiquez la version de la fiche que vous modifiez (champ « version » ou en-tête If-Match)."
)


IF_MATCH_PARAMETER = OpenApiParameter(
    name="If-Match",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=str(
        _(
            "La version lue (l'ETag renvoyé, par exemple \"3\"), si elle n'est pas dans le "
            "corps (champ « version »)."
        )
    ),
)


def etag(version: int) -> str:
    return f'"{version}"'


def _from_if_match(header: str | None) -> int | None:
    if not header:
        return None
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"').strip()
    try:
        return int(value)
    except ValueError as exc:
        raise ValidationError(
            {"version": [_("En-tête If-Match illisible : donnez le numéro de version.")]}
        ) from exc


def expected_version(request, validated_data: dict) -> int:
    """The version the client edited: body first, then If-Match; one of them is required."""
    version = validated_data.pop("version", None)
    if version is None:
        version = _from_if_match(request.headers.get("If-Match"))
    if version is None:
        raise ValidationError({"version": [VERSION_REQUIRED]})
    return version


def version_field() -> serializers.IntegerField:
    """The `version` field of every update body (may be sent as If-Match instead)."""
    return serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text=_("La version lue avant modification ; sinon l'en-tête If-Match."),
    )
