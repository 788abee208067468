"""Pages of the spreadsheet import and the exports in the same columns."""

from django.urls import path

from assistance.importer import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.import_upload, name="upload"),
    path("imports/<int:importbatch_id>/", views.import_detail, name="detail"),
    path("imports/<int:importbatch_id>/progression/", views.import_progress, name="progress"),
    path("imports/<int:importbatch_id>/confirmer/", views.import_confirm, name="confirm"),
    path("imports/<int:importbatch_id>/erreurs.csv", views.import_errors_csv, name="errors_csv"),
    path("imports/modele.csv", views.import_template, {"fmt": "csv"}, name="template_csv"),
    path("imports/modele.xlsx", views.import_template, {"fmt": "xlsx"}, name="template_xlsx"),
] + [
    path(
        f"exports/{kind}.{fmt}",
        views.export,
        {"kind": kind, "fmt": fmt},
        name=f"export_{kind}_{fmt}",
    )
    for kind in ("beneficiaires", "assistances")
    for fmt in ("csv", "xlsx")
]
