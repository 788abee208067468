"""Pages of the reporting app."""

from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("rapports/", views.dashboard, name="dashboard"),
    path("rapports/mission/", views.mission, name="mission"),
    path("rapports/assistances/", views.drilldown, name="drilldown"),
    path("rapports/indicateurs.csv", views.export_csv, name="export_csv"),
    path("rapports/indicateurs.xlsx", views.export_xlsx, name="export_xlsx"),
    path("rapports/qualite/", views.quality, name="quality"),
    path("rapports/qualite/<slug:check>/", views.quality_detail, name="quality_detail"),
]
