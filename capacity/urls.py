"""Pages of capacity building: trainings, workshops and coordination meetings."""

from django.urls import path

from capacity import views

app_name = "capacity"
urlpatterns = [
    path("formations/", views.event_list, name="list"),
    path("formations/nouvelle/", views.event_create, name="create"),
    path("formations/<int:capacity_event_id>/", views.event_edit, name="edit"),
    path("formations/<int:capacity_event_id>/supprimer/", views.event_delete, name="delete"),
]
