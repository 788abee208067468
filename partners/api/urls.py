"""API routes of the partners app, mounted under /api/v1/."""

urlpatterns: list = []
