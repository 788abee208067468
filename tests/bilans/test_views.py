"""The bilans pages: officers generate, follow, review and publish; periods close and reopen;
notices; the donor portal (issue 6)."""

import pytest

from bilans import services
from bilans.models import BilanSnapshot, ClosedPeriod, Notification, SnapshotStatus
from reporting.periods import parse_period


@pytest.fixture
def officer_client(client, officer, media):
    client.force_login(officer)
    return client


def test_officer_generates_follows_and_publishes(
    officer_client, project, known_data, django_capture_on_commit_callbacks, fast_render
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            "/bilans/", {"project": project.pk, "period": "2023-Q2", "language": "fr"}
        )
    snapshot = BilanSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bilans/{snapshot.pk}/"
    page = officer_client.get(f"/bilans/{snapshot.pk}/").content.decode()
    assert "Version 1 générée" in page and "Publier pour le bailleur" in page
    assert "personnes atteintes" in page  # the review shows the frozen figures
    assert "Services médicaux délivrés" in page

    response = officer_client.post(f"/bilans/{snapshot.pk}/publier/")
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.PUBLISHED
    assert (
        "Publier pour le bailleur"
        not in officer_client.get(f"/bilans/{snapshot.pk}/").content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/bilans/{snapshot.pk}/regenerer/")
    assert sorted(BilanSnapshot.objects.values_list("version", flat=True)) == [1, 2]


def test_progress_polls_while_the_task_runs_and_stops_when_done(officer_client, officer, project):
    snapshot = services.bilan_request(
        project=project, period=parse_period("2023-Q2"), acting_user=officer
    )
    BilanSnapshot.objects.filter(pk=snapshot.pk).update(task_state="running", progress=35)
    fragment = officer_client.get(f"/bilans/{snapshot.pk}/progression/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "35 %" in fragment
    BilanSnapshot.objects.filter(pk=snapshot.pk).update(task_state="failed", error="boom")
    fragment = officer_client.get(f"/bilans/{snapshot.pk}/progression/").content.decode()
    assert "hx-trigger" not in fragment and "boom" in fragment


def test_bad_request_form_explains(officer_client, project):
    response = officer_client.post("/bilans/", {"project": project.pk, "period": "2023-Q9"})
    assert response.status_code == 400
    assert "Période invalide" in response.content.decode()
    assert not BilanSnapshot.objects.exists()


def test_list_queries_are_bounded(officer_client, officer, project, django_assert_max_num_queries):
    for _ in range(5):
        services.bilan_request(project=project, period=parse_period("2023-Q2"), acting_user=officer)
    with django_assert_max_num_queries(12):
        response = officer_client.get("/bilans/")
    assert response.content.decode().count(f">{project.code}</a>") == 5


def test_periods_close_and_reopen_from_the_page(officer_client, project):
    response = officer_client.post(
        "/bilans/periodes/", {"project": project.pk, "period": "2023-Q2"}
    )
    assert response.status_code == 302
    closed = ClosedPeriod.objects.get()
    officer_client.post(f"/bilans/periodes/{closed.pk}/rouvrir/", {"reason": ""})
    closed.refresh_from_db()
    assert closed.in_force
    officer_client.post(f"/bilans/periodes/{closed.pk}/rouvrir/", {"reason": "Correction"})
    closed.refresh_from_db()
    assert not closed.in_force and closed.reopen_reason == "Correction"


def test_notices_show_and_are_marked_read(officer_client, officer, project, media, fast_render):
    services.bilan_schedule_quarterly(today=parse_period("2023-Q3").start.replace(day=5))
    notice = Notification.objects.get(user=officer)
    assert notice.message in officer_client.get("/bilans/").content.decode()
    officer_client.post(f"/notifications/{notice.pk}/lue/")
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("who", ["alice", "manager_a", "donor_user"])
def test_officer_pages_are_out_of_scope_for_others(client, request, who, officer, project):
    client.force_login(request.getfixturevalue(who))
    snapshot = services.bilan_request(
        project=project, period=parse_period("2023-Q2"), acting_user=officer
    )
    for url in ("/bilans/", f"/bilans/{snapshot.pk}/", "/bilans/periodes/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/bilans/{snapshot.pk}/publier/").status_code == 404


def test_portal_shows_only_the_donors_projects_with_bounded_queries(
    client, donor_user, project, known_data, django_assert_max_num_queries
):
    from tests.partners.factories import ProjectFactory

    other = ProjectFactory(code="OTHER-DONOR")
    client.force_login(donor_user)
    with django_assert_max_num_queries(10):
        page = client.get("/portail/").content.decode()
    assert project.title in page and other.title not in page
    assert client.get(f"/portail/{other.code}/").status_code == 404
    with django_assert_max_num_queries(14):
        response = client.get(f"/portail/{project.code}/?period=2023-Q2")
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_portal_is_out_of_scope_for_partner_staff(client, alice):
    client.force_login(alice)
    assert client.get("/portail/").status_code == 404


def test_admin_lists_bilans_read_only(client, officer, project):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    services.bilan_request(project=project, period=parse_period("2023-Q2"), acting_user=officer)
    for url in (
        "/admin/bilans/bilansnapshot/",
        "/admin/bilans/closedperiod/",
        "/admin/bilans/notification/",
    ):
        assert client.get(url).status_code == 200
    assert client.get("/admin/bilans/bilansnapshot/add/").status_code == 403
