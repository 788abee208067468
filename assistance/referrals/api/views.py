"""Referrals through the API: the scoped queryset, the shared FilterSet, and every write
through the referrals' services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from assistance.referrals.api.serializers import (
    ReferralDeclineSerializer,
    ReferralInputSerializer,
    ReferralOutcomeSerializer,
    ReferralSerializer,
)
from assistance.referrals.filters import ReferralFilter
from assistance.referrals.models import Referral
from assistance.referrals.services import referral_create, referral_record_outcome, referral_respond
from core.api.idempotency import IDEMPOTENCY_PARAMETER
from core.api.schema import errors
from core.api.views import ScopedViewSet, ServiceCreateMixin


@extend_schema_view(
    list=extend_schema(
        summary="Lister les référencements envoyés et reçus",
        responses={200: ReferralSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un référencement",
        responses={200: ReferralSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Référer une personne vers un partenaire ou une structure de santé",
        request=ReferralInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: ReferralSerializer, **errors(400, 401, 403, 409, 422)},
    ),
)
class ReferralViewSet(
    ServiceCreateMixin, ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Referrals the user's organisation sent or received. The receiving partner accepts (and
    then sees the person) or declines with a reason; the outcome is recorded once accepted,
    by the receiving partner (by the sender for a referral to an outside structure)."""

    model = Referral
    select_related = ("from_organisation", "to_organisation", "project")
    filterset_class = ReferralFilter
    output_serializer_class = ReferralSerializer
    create_serializer_class = ReferralInputSerializer

    def create_record(self, fields):
        return referral_create(acting_user=self.request.user, **fields)

    @extend_schema(
        summary="Accepter un référencement reçu (donne accès à la personne)",
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        instance = self.get_object()

        def handler():
            referral = referral_respond(referral=instance, accept=True, acting_user=request.user)
            return Response(self.output(referral).data)

        return self.idempotent(request, handler)

    @extend_schema(
        summary="Refuser un référencement reçu, avec son motif (lu par l'organisation d'origine)",
        request=ReferralDeclineSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(ReferralDeclineSerializer)
            referral = referral_respond(
                referral=instance,
                accept=False,
                acting_user=request.user,
                decline_reason=fields["decline_reason"],
                decline_note=fields.get("decline_note", ""),
            )
            return Response(self.output(referral).data)

        return self.idempotent(request, handler)

    @extend_schema(
        summary="Indiquer si le service a finalement été reçu",
        request=ReferralOutcomeSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(ReferralOutcomeSerializer)
            referral = referral_record_outcome(
                referral=instance,
                outcome=fields["outcome"],
                outcome_on=fields.get("outcome_on"),
                acting_user=request.user,
            )
            return Response(self.output(referral).data)

        return self.idempotent(request, handler)
