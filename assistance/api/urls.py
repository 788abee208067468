"""API routes of the assistance app, mounted under /api/v1/."""

urlpatterns: list = []
