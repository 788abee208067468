"""Pages of case work: a person's cases, a case and its plan, "Mon travail", transfers."""

from django.urls import path  # noqa: F401

app_name = "cases"
urlpatterns: list = []
