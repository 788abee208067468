"""The base of every personal-record viewset: scoped querysets, separate input and output
serializers, idempotent creates and versioned updates."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.concurrency import etag, expected_version
from core.api.idempotency import run_idempotently
from core.api.permissions import WorksOnRecords


class ScopedViewSet(viewsets.GenericViewSet):
    """`model.objects.visible_to(request.user)` is the only queryset: list, detail and every
    action look objects up in it, so an object out of scope is a 404 like a missing one.

    Subclasses name `model`, `output_serializer_class` (what is answered) and, when the shape
    differs, `create_serializer_class` / `update_serializer_class` (what is accepted).
    """

    model = None
    select_related: tuple[str, ...] = ()
    output_serializer_class = None
    create_serializer_class = None
    update_serializer_class = None
    permission_classes = [IsAuthenticated, WorksOnRecords]
    lookup_value_regex = r"[0-9]+"
    # The app's FilterSet carries its own `ordering` parameter (shared with the pages).
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class:
            return self.create_serializer_class
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return self.output_serializer_class

    def output(self, instance, **kwargs):
        return self.output_serializer_class(
            instance, context=self.get_serializer_context(), **kwargs
        )

    def input(self, serializer_class, *, instance=None, partial=False):
        serializer = serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def with_etag(self, response, instance):
        if getattr(instance, "version", None):
            response["ETag"] = etag(instance.version)
        return response

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.output(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.with_etag(Response(self.output(instance).data), instance)

    def idempotent(self, request, handler):
        return run_idempotently(request, handler)


class ServiceCreateMixin:
    """POST: validate `create_serializer_class`, call `create_record(fields)` (a service), answer
    201; replayed with the same Idempotency-Key, the first answer comes back."""

    def create_record(self, fields: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        return self.idempotent(request, self._create)

    def _create(self):
        fields = self.input(self.create_serializer_class)
        instance = self.create_record(fields)
        response = Response(self.output(instance).data, status=status.HTTP_201_CREATED)
        return self.with_etag(response, instance)


class ServiceUpdateMixin:
    """PUT/PATCH: validate `update_serializer_class`, call `update_record(instance, fields,
    version)` (a service that answers 409 through ConflictError when the version is stale)."""

    def update_record(self, instance, fields: dict, version: int):
        raise NotImplementedError

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        fields = self.input(self.update_serializer_class, instance=instance, partial=partial)
        updated = self.update_record(instance, fields, expected_version(request, fields))
        return self.with_etag(Response(self.output(updated).data), updated)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404 like the API's own, not the HTML page."""
    return JsonResponse({"detail": str(_("Introuvable."))}, status=404)
