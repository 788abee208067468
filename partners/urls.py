"""Pages of the partners app."""

app_name = "partners"
urlpatterns: list = []
