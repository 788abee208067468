"""Every API error as JSON, with field-level messages, in the request's language.

DRF already answers its own errors so; this handler adds the errors the services raise:
Django's ValidationError (400, field → messages), PermissionDenied (403) and ConflictError
(409, with the record as it is now so the client can merge and retry). A 429 (a throttle, or
a sign-in lockout) says when to come back, in Retry-After and in `retry_after` (seconds).
Messages are translated by the active language, which LocaleMiddleware takes from
Accept-Language.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from core.exceptions import ConflictError

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for a unique constraint
DUPLICATE_MESSAGE = _(
    "Cet enregistrement existe déjà (une autre requête vient de le créer) : rechargez la liste."
)


def _validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        detail = {}
        for field, messages in exc.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail[key] = list(messages)
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def _is_unique_violation(exc) -> bool:
    cause = exc.__cause__
    return isinstance(exc, IntegrityError) and getattr(cause, "pgcode", None) == UNIQUE_VIOLATION


def api_exception_handler(exc, context):
    if _is_unique_violation(exc):
        # Two requests raced past the services' uniqueness check (full_clean) and the database
        # refused the second: a 409 the client can act on, not a 500.
        set_rollback()
        return Response(
            {"detail": str(DUPLICATE_MESSAGE), "code": "duplicate"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        # Django's message names the model and is not translated: answer as for anything
        # missing, in the request's language.
        exc = NotFound()
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_validation_detail(exc))
    if isinstance(exc, ConflictError):
        return _conflict_response(exc, context)
    response = exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data = _too_many_body(exc, response)
    return response


def _too_many_body(exc, response) -> dict:
    """`{"detail", "code", "retry_after"}`: DRF's throttles give "throttled", the sign-in
    lockout "locked_out"; DRF has already set the Retry-After header from `exc.wait`."""
    retry_after = response.headers.get("Retry-After")
    return {
        "detail": str(exc.detail),
        "code": getattr(exc.detail, "code", None) or "throttled",
        "retry_after": int(retry_after) if retry_after else None,
    }


def _conflict_response(exc: ConflictError, context) -> Response:
    view = context.get("view")
    serializer_class = getattr(view, "output_serializer_class", None)
    current = None
    if serializer_class is not None and exc.current is not None:
        current = serializer_class(exc.current, context=view.get_serializer_context()).data
    body = {
        "detail": str(exc.message),
        "code": "conflict",
        "current": current,
    }
    headers = {}
    if exc.current is not None and getattr(exc.current, "version", None):
        headers["ETag"] = f'"{exc.current.version}"'
    return Response(body, status=status.HTTP_409_CONFLICT, headers=headers)
