"""Pages of case work: a person's cases, a case and its plan, "Mon travail", transfers."""

from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("mon-travail/", views.my_work_view, name="my_work"),
    path("dossiers/", views.case_list, name="list"),
    path(
        "beneficiaires/<int:beneficiary_id>/dossiers/ouvrir/",
        views.case_open_view,
        name="open",
    ),
    path("dossiers/<int:case_id>/", views.case_detail, name="detail"),
    path("dossiers/<int:case_id>/evaluations/", views.assessment_add, name="assessment_add"),
    path("dossiers/<int:case_id>/objectifs/", views.goal_add_view, name="goal_add"),
    path("dossiers/<int:case_id>/suivis/", views.followup_add_view, name="followup_add"),
    path("dossiers/<int:case_id>/assistances/", views.assistance_add, name="assistance_add"),
    path("dossiers/<int:case_id>/risque/", views.risk_change, name="risk"),
    path("dossiers/<int:case_id>/prendre/", views.case_take, name="take"),
    path("dossiers/<int:case_id>/cloturer/", views.case_close_view, name="close"),
    path("dossiers/<int:case_id>/rouvrir/", views.case_reopen_view, name="reopen"),
    path("objectifs/<int:goal_id>/statut/", views.goal_status, name="goal_status"),
    path("suivis/<int:followup_id>/fait/", views.followup_done, name="followup_done"),
]
