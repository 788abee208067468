"""Pages of a case's confidential notes and documents (the owning organisation's alone)."""

from django.urls import path  # noqa: F401

app_name = "case_files"
urlpatterns: list = []
