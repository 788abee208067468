"""Case work under /api/v1/ (DESIGN.md section 7)."""

urlpatterns: list = []
