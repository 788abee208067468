"""Idempotent POSTs: a request resent with the same `Idempotency-Key` creates nothing new.

Caseworkers work on slow, flaky connections: a phone that lost the answer to "record this
assistance" sends it again. With the same key, the second (and fifth) request gets the first
answer back, status and body, and the header `Idempotent-Replayed: true`.

Safety under concurrency comes from PostgreSQL: the key row (unique per user and key) is
inserted *before* the work, in the same transaction. A concurrent replay's insert waits on the
unique index until the first transaction ends; then it either finds the stored answer (the
first committed) or goes ahead itself (the first failed and rolled back). Only successful
answers (2xx) are kept: after an error the client may correct the body and retry with the same
key. Keys are honoured for 24 hours.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# How long a key is honoured: long enough for any retry of a flaky phone, short enough not to
# keep copies of personal answers. A user's expired keys are dropped when they use a new one.
RETENTION = datetime.timedelta(hours=24)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=str(
        _(
            "Clé unique choisie par le client (un UUID par exemple). Renvoyer la même requête "
            "avec la même clé rend la première réponse et ne crée rien de plus."
        )
    ),
)


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "Cette clé d'idempotence a déjà servi pour une autre requête : choisissez-en une nouvelle."
    )
    default_code = "idempotency_key_reused"


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {key: values for key, values in data.lists()}
    payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _replay(record: IdempotencyKey, *, request, fingerprint: str) -> HttpResponse:
    if (
        record.method != request.method
        or record.path != request.path
        or record.fingerprint != fingerprint
    ):
        raise IdempotencyKeyReused()
    return HttpResponse(
        record.response_body,
        status=record.status_code,
        content_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


def run_idempotently(request, handler) -> Response:
    """Run `handler()` once per (user, Idempotency-Key); replay its answer afterwards."""
    key = request.headers.get(HEADER, "").strip()
    if not key or not request.user.is_authenticated:
        return handler()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {HEADER: [_("La clé d'idempotence dépasse 255 caractères.")]}, code="invalid"
        )
    fingerprint = _fingerprint(request)
    IdempotencyKey.objects.filter(
        user=request.user, created_at__lt=timezone.now() - RETENTION
    ).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:512],
                    fingerprint=fingerprint,
                    status_code=0,
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=request.user, key=key)
            return _replay(record, request=request, fingerprint=fingerprint)
        response = handler()
        if 200 <= response.status_code < 300:
            record.status_code = response.status_code
            record.response_body = JSONRenderer().render(response.data).decode()
            record.save(update_fields=["status_code", "response_body"])
        else:
            record.delete()
        return response


def idempotent(method):
    """Decorator for a POST handler of a view: honours the Idempotency-Key header."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return run_idempotently(request, lambda: method(self, request, *args, **kwargs))

    return wrapper
