"""API routes of the reporting app, mounted under /api/v1/."""

urlpatterns: list = []
