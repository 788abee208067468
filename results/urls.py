"""Project pages and the editing of their results frameworks."""

from django.urls import path

from results import views

app_name = "results"
urlpatterns = [
    path("projets/", views.project_list, name="project_list"),
    path("projets/<slug:code>/", views.project_detail, name="project_detail"),
    path("projets/<slug:code>/cadres/", views.project_frameworks, name="project_frameworks"),
    path("projets/<slug:code>/resultats/ajouter/", views.result_form, name="result_add"),
    path("projets/<slug:code>/resultats/<int:pk>/modifier/", views.result_form, name="result_edit"),
    path(
        "projets/<slug:code>/resultats/<int:pk>/supprimer/",
        views.result_delete,
        name="result_delete",
    ),
    path("projets/<slug:code>/cibles/ajouter/", views.target_form, name="target_add"),
    path("projets/<slug:code>/cibles/<int:pk>/modifier/", views.target_form, name="target_edit"),
    path(
        "projets/<slug:code>/cibles/<int:pk>/supprimer/",
        views.target_delete,
        name="target_delete",
    ),
    path("projets/<slug:code>/cibles/importer/", views.target_import, name="target_import"),
]
