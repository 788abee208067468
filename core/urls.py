"""Pages of core that any signed-in user reaches: their notifications."""

from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path(
        "notifications/<int:notification_id>/lue/",
        views.notification_read,
        name="notification_read",
    ),
]
