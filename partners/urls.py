"""Pages of the partners app."""

from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("comptes-bloques/", views.lockout_list, name="lockouts"),
    path("comptes-bloques/debloquer/", views.lockout_release, name="lockout_release"),
]
