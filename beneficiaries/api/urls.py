"""API routes of the beneficiaries app, mounted under /api/v1/."""

urlpatterns: list = []
