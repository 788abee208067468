"""Pages of a case's confidential notes and documents (the owning organisation's alone), and
of transfers (managers). Object ids are named after their model (`casenote_id`) so the sealing
test (tests/pages/test_sealed.py) builds every URL generically."""

from django.urls import path

from cases import confidential_views as views

app_name = "case_files"
urlpatterns = [
    path("dossiers/<int:case_id>/confidentiel/", views.case_files, name="index"),
    path("dossiers/<int:case_id>/notes/ajouter/", views.note_add, name="note_add"),
    path("notes/<int:casenote_id>/", views.note_detail, name="note_detail"),
    path(
        "dossiers/<int:case_id>/documents/ajouter/",
        views.document_upload,
        name="document_upload",
    ),
    path(
        "documents/<int:casedocument_id>/telecharger/",
        views.document_download,
        name="document_download",
    ),
    path("dossiers/<int:case_id>/transferer/", views.case_transfer, name="case_transfer"),
    path("dossiers/transferer/", views.transfer_all, name="transfer_all"),
]
