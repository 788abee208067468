"""Pages of the bilans app. Object ids are named after their model (`bilansnapshot_id`,
`closedperiod_id`) like the other apps' URLs."""

from django.urls import path

from bilans import views

app_name = "bilans"
urlpatterns = [
    path("bilans/", views.bilan_list, name="list"),
    path("bilans/mission/", views.mission_request, name="mission_request"),
    path("bilans/<int:bilansnapshot_id>/", views.bilan_detail, name="detail"),
    path("bilans/<int:bilansnapshot_id>/progression/", views.bilan_progress, name="progress"),
    path("bilans/<int:bilansnapshot_id>/publier/", views.bilan_publish, name="publish"),
    path("bilans/<int:bilansnapshot_id>/regenerer/", views.bilan_regenerate, name="regenerate"),
    path(
        "bilans/<int:bilansnapshot_id>/telecharger/<str:kind>/",
        views.bilan_download,
        name="download",
    ),
    path("bilans/periodes/", views.period_list, name="periods"),
    path("bilans/periodes/<int:closedperiod_id>/rouvrir/", views.period_reopen, name="reopen"),
    path("portail/", views.portal, name="portal"),
    path("portail/<slug:code>/", views.portal_project, name="portal_project"),
]
