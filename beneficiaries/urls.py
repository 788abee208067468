"""Pages of the beneficiaries app."""

app_name = "beneficiaries"
urlpatterns: list = []
