"""People through the API: the same scoping, filters and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from beneficiaries.access_log import record_duplicate_search
from beneficiaries.api.serializers import (
    BeneficiaryInputSerializer,
    BeneficiarySerializer,
    BeneficiaryUpdateSerializer,
    ConsentInputSerializer,
    ConsentSerializer,
    ConsentWithdrawSerializer,
    DuplicateCheckSerializer,
    DuplicateQuerySerializer,
    PseudonymiseSerializer,
)
from beneficiaries.consents.services import consent_record, consent_withdraw
from beneficiaries.filters import BeneficiaryFilter
from beneficiaries.models import Beneficiary, Consent
from beneficiaries.selectors import beneficiary_possible_duplicates
from beneficiaries.services import (
    beneficiary_pseudonymise,
    beneficiary_register,
    beneficiary_update,
)
from core import access, clock
from core.api.concurrency import IF_MATCH_PARAMETER
from core.api.idempotency import IDEMPOTENCY_PARAMETER
from core.api.schema import conflict_serializer, errors
from core.api.views import ScopedViewSet, ServiceCreateMixin, ServiceUpdateMixin


@extend_schema_view(
    list=extend_schema(
        summary="Lister les bénéficiaires visibles",
        responses={200: BeneficiarySerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire une fiche", responses={200: BeneficiarySerializer, **errors(401, 403, 404)}
    ),
    create=extend_schema(
        summary="Enregistrer une personne",
        request=BeneficiaryInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: BeneficiarySerializer, **errors(400, 401, 403, 409, 422)},
    ),
    update=extend_schema(
        summary="Modifier une fiche (version requise)",
        request=BeneficiaryUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses={
            200: BeneficiarySerializer,
            409: OpenApiResponse(conflict_serializer(BeneficiarySerializer)),
            **errors(400, 401, 403, 404),
        },
    ),
    partial_update=extend_schema(
        summary="Modifier une partie d'une fiche (version requise)",
        request=BeneficiaryUpdateSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses={
            200: BeneficiarySerializer,
            409: OpenApiResponse(conflict_serializer(BeneficiarySerializer)),
            **errors(400, 401, 403, 404),
        },
    ),
)
class BeneficiaryViewSet(
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """People the requesting user may see (their organisation's, and those referred to it)."""

    model = Beneficiary
    select_related = ("organisation", "city")
    filterset_class = BeneficiaryFilter
    output_serializer_class = BeneficiarySerializer
    create_serializer_class = BeneficiaryInputSerializer
    update_serializer_class = BeneficiaryUpdateSerializer
    throttle_scope: str | None = None  # the duplicate check's own (its action sets it)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # Merged duplicates are folded into the record kept; their detail stays readable.
            queryset = queryset.active()
        return queryset

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        # Reached only for a person in scope (get_object answers 404 otherwise).
        access.record(
            request,
            access.Action.VIEW_PERSON,
            model="beneficiaries.beneficiary",
            object_id=kwargs["pk"],
        )
        return response

    def create_record(self, fields):
        return beneficiary_register(acting_user=self.request.user, **fields)

    def update_record(self, instance, fields, version):
        return beneficiary_update(
            beneficiary=instance, acting_user=self.request.user, expected_version=version, **fields
        )

    @extend_schema(
        summary="Chercher si une personne est déjà enregistrée (avant de l'enregistrer)",
        parameters=[DuplicateQuerySerializer],
        filters=False,
        responses={200: DuplicateCheckSerializer, **errors(400, 401, 403, 429)},
    )
    @action(
        detail=False,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        # Whether another organisation holds a named person is itself sensitive: a few
        # checks a minute per user (API_DUPLICATE_CHECK_RATE), not a way to sweep names.
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="duplicate_check",
    )
    def duplicates(self, request):
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        check = beneficiary_possible_duplicates(
            user=request.user,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            date_of_birth=data.get("date_of_birth"),
            birth_year=data.get("birth_year"),
            exclude_pk=data.get("exclude"),
        )
        record_duplicate_search(request, data, check)
        return Response(
            DuplicateCheckSerializer(
                {"matches": check.own, "elsewhere": check.elsewhere},
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(
        summary="Effacer les données personnelles d'une personne (pseudonymisation définitive)",
        description=(
            "Responsables de l'organisation de la personne et chargé·es OIM. Les noms, la date "
            "de naissance exacte (l'année reste) et les textes libres sont effacés ; les "
            "chiffres des rapports ne changent pas. Refusé sous gel légal."
        ),
        request=PseudonymiseSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: BeneficiarySerializer, **errors(400, 401, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"])
    def pseudonymise(self, request, pk=None):
        instance = self.get_object()

        def handler():
            fields = self.input(PseudonymiseSerializer)
            person = beneficiary_pseudonymise(
                beneficiary=instance, reason=fields["reason"], acting_user=request.user
            )
            return Response(self.output(person).data)

        return self.idempotent(request, handler)

    @extend_schema(
        methods=["GET"],
        summary="Lire les consentements d'une personne (en cours et retirés)",
        filters=False,
        responses={200: ConsentSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Inscrire un consentement (l'organisation de la personne, ou l'OIM)",
        request=ConsentInputSerializer,
        filters=False,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: ConsentSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def consents(self, request, pk=None):
        person = self.get_object()
        if request.method == "GET":
            queryset = (
                Consent.objects.visible_to(request.user)
                .filter(beneficiary=person)
                .select_related("recipient", "organisation", "recorded_by", "withdrawn_by")
            )
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(
                ConsentSerializer(page, many=True, context=self.get_serializer_context()).data
            )

        def handler():
            fields = self.input(ConsentInputSerializer)
            consent = consent_record(beneficiary=person, acting_user=request.user, **fields)
            return Response(
                ConsentSerializer(consent, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )

        return self.idempotent(request, handler)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les consentements des personnes visibles",
        responses={200: ConsentSerializer(many=True), **errors(401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un consentement", responses={200: ConsentSerializer, **errors(401, 403, 404)}
    ),
)
class ConsentViewSet(ScopedViewSet, mixins.RetrieveModelMixin):
    """Entries of the consent ledger of the people the user may see; their organisation (or
    IOM) withdraws one."""

    model = Consent
    select_related = ("recipient", "organisation", "recorded_by", "withdrawn_by")
    output_serializer_class = ConsentSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Retirer un consentement (le partage qui en dépend s'arrête aussitôt)",
        request=ConsentWithdrawSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ConsentSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()

        def handler():
            fields = self.input(ConsentWithdrawSerializer)
            withdrawn = consent_withdraw(
                consent=consent,
                on=fields.get("on") or clock.today(),
                reason=fields.get("reason", ""),
                acting_user=request.user,
            )
            return Response(self.output(withdrawn).data)

        return self.idempotent(request, handler)
