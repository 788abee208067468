"""`POST /api/v1/imports/`: the import contract through the API (multipart `file`, optional
`organisation` slug, `project` code and `dry_run`), answering the same report as the command
and the pages; `GET /api/v1/imports/[<id>/]`: the kept record of past imports (scoped);
`GET /api/v1/imports/template/{csv,xlsx}/`: the file to start from."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from assistance.importer import exports
from assistance.importer.models import ImportBatch
from assistance.importer.reader import file_too_large
from assistance.importer.report import errors_summary
from assistance.importer.services import (
    import_batch_create,
    import_batch_start,
    import_file_read,
)
from core.api.fields import ScopedSlugRelatedField
from core.api.permissions import WorksOnRecords
from core.api.schema import errors
from core.api.views import ScopedViewSet
from core.uploads import upload_refused
from partners.access import actor_for
from partners.models import Organisation, Project


class CanImport(WorksOnRecords):
    """Imports are for partner staff and IOM officers. On a detail route the scoped queryset
    decides (a donor's `visible_to` is empty), so another's import is a 404 like a missing one.
    """

    def has_permission(self, request, view):
        if (view.lookup_url_kwarg or view.lookup_field) in view.kwargs:
            return True
        return super().has_permission(request, view)


class ImportBatchSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    ok = serializers.SerializerMethodField()
    errors_summary = serializers.SerializerMethodField(
        help_text="« 1 000 premières erreurs sur N » quand `errors` ne les contient pas toutes."
    )

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "organisation",
            "project",
            "file_name",
            "source",
            "status",
            "ok",
            "created_by",
            "created_at",
            "finished_at",
            "rows",
            "counts",
            "error_count",
            "errors_summary",
            "errors",
            "preview",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "errors": {"help_text": "Les 1 000 premières erreurs, dans l'ordre des lignes."},
            "error_count": {"help_text": "Le nombre total d'erreurs du fichier."},
        }

    def get_ok(self, batch) -> bool:
        return batch.status in (ImportBatch.Status.VALID, ImportBatch.Status.DONE)

    def get_errors_summary(self, batch) -> str:
        return errors_summary(batch.error_count, len(batch.errors))


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) ou XLSX (première feuille).")
    organisation = ScopedSlugRelatedField(
        model=Organisation,
        slug_field="slug",
        required=False,
        help_text="Par défaut : l'organisation de l'utilisateur.",
    )
    project = ScopedSlugRelatedField(
        model=Project,
        slug_field="code",
        required=False,
        allow_null=True,
        help_text="Projet des lignes sans colonne « project ».",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Vérifier sans rien écrire.")


@extend_schema_view(
    list=extend_schema(
        summary="Lister les imports de fichiers visibles",
        responses={200: ImportBatchSerializer(many=True), **errors(401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="Lire un import (statut, décompte, erreurs)",
        responses={200: ImportBatchSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Importer un fichier CSV ou XLSX d'assistances (tout ou rien)",
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            200: ImportBatchSerializer,
            201: ImportBatchSerializer,
            202: ImportBatchSerializer,
            # The import report (`errors` row by row), or field errors (no file…).
            400: OpenApiResponse(OpenApiTypes.OBJECT),
            **errors(401, 403),
            413: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="`file` : le fichier dépasse la limite de taille ; il n'a pas été lu.",
            ),
        },
        description=(
            "201 : importé ; 200 : `dry_run` réussi (rien d'écrit) ; 400 : fichier refusé, "
            "`errors` liste les 1 000 premières erreurs (row, column, value, message), "
            "`error_count` leur nombre total, et rien n'est écrit ; ou `file` : fichier "
            "au-delà des limites (taille décompressée, lignes, cellules) ; 413 : `file` : "
            "fichier de plus de 50 Mo (`IMPORT_MAX_UPLOAD_MB`), arrêté avant d'être lu ; 202 : "
            "fichier de plus de quelques milliers de lignes, traité en arrière-plan, suivre "
            "`GET /api/v1/imports/<id>/`."
        ),
    ),
)
class ImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    model = ImportBatch
    select_related = ("organisation", "project", "created_by")
    output_serializer_class = ImportBatchSerializer
    create_serializer_class = ImportInputSerializer
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated, CanImport]

    def get_queryset(self):
        return super().get_queryset().defer("content")

    def create(self, request, *args, **kwargs):
        body = request.data  # parsed here: a file over the limit is stopped, never read
        # The upload handler stops at the app's largest limit (case documents may take more
        # than imports); a file declared over the import's own is refused the same way.
        declared = getattr(body.get("file"), "size", 0) or 0
        if upload_refused(request) or declared > settings.IMPORT_MAX_UPLOAD_BYTES:
            return Response(
                {"file": [file_too_large().message]},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = ImportInputSerializer(data=body, context={"request": request})
        data.is_valid(raise_exception=True)
        actor = actor_for(request.user)
        organisation = data.validated_data.get("organisation")
        if organisation is None:
            organisation = Organisation.objects.filter(pk=actor.organisation_id).first()
        upload = data.validated_data["file"]
        # Refusals (another partner's organisation, a file too large) are PermissionDenied or
        # ValidationError: the API's shared handler answers them as 403 / 400.
        batch = import_batch_create(
            acting_user=request.user,
            organisation=organisation,
            project=data.validated_data.get("project"),
            file_name=upload.name,
            content=import_file_read(upload, declared_size=upload.size),
            source=ImportBatch.Source.API,
            language=translation.get_language() or "fr",
        )
        dry_run = data.validated_data["dry_run"]
        report = import_batch_start(batch=batch, commit=not dry_run)
        batch.refresh_from_db()
        if report is None:
            code = status.HTTP_202_ACCEPTED
        elif not report.ok:
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
        return Response(ImportBatchSerializer(batch).data, status=code)

    @extend_schema(
        summary="Télécharger le modèle CSV (en-têtes et une ligne d'exemple)",
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **errors(401, 403)},
    )
    @action(detail=False, methods=["get"], url_path="template/csv")
    def template_csv(self, request):
        return _template("csv")

    @extend_schema(
        summary="Télécharger le modèle Excel (en-têtes et une ligne d'exemple)",
        responses={(200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY, **errors(401, 403)},
    )
    @action(detail=False, methods=["get"], url_path="template/xlsx")
    def template_xlsx(self, request):
        return _template("xlsx")


def _template(fmt: str) -> HttpResponse:
    """The file to start from: the contract's headers and one example row."""
    response = HttpResponse(exports.template_file(fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.TEMPLATE_NAME}.{fmt}"'
    return response


router = SimpleRouter()
router.register("imports", ImportViewSet, basename="api-import")

urlpatterns = router.urls
