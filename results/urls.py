"""Project pages and the editing of their results frameworks."""

from django.urls import path

from results import views

app_name = "results"
urlpatterns = [
    path("projets/", views.project_list, name="project_list"),
    path("projets/<slug:project_code>/", views.project_detail, name="project_detail"),
    path(
        "projets/<slug:project_code>/cadres/", views.project_frameworks, name="project_frameworks"
    ),
    path("projets/<slug:project_code>/resultats/ajouter/", views.result_form, name="result_add"),
    path(
        "projets/<slug:project_code>/resultats/<int:expected_result_id>/modifier/",
        views.result_form,
        name="result_edit",
    ),
    path(
        "projets/<slug:project_code>/resultats/<int:expected_result_id>/supprimer/",
        views.result_delete,
        name="result_delete",
    ),
    path("projets/<slug:project_code>/cibles/ajouter/", views.target_form, name="target_add"),
    path(
        "projets/<slug:project_code>/cibles/<int:target_id>/modifier/",
        views.target_form,
        name="target_edit",
    ),
    path(
        "projets/<slug:project_code>/cibles/<int:target_id>/supprimer/",
        views.target_delete,
        name="target_delete",
    ),
    path("projets/<slug:project_code>/cibles/importer/", views.target_import, name="target_import"),
]
