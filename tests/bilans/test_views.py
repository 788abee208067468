"""The bilans pages: officers generate, follow, review and publish; periods close and reopen;
notices; the donor portal (issue 6)."""

import re
import xml.etree.ElementTree as ET

import pytest

from bilans import services
from bilans.models import BilanSnapshot, SnapshotStatus
from bilans.rendering import freeze_figures
from bilans.texts import texts_for
from core.models import Notification
from partners.models import ClosedPeriod
from reporting.periods import Period, parse_period

SVG = "{http://www.w3.org/2000/svg}"


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


def test_an_arabic_bilan_previewed_from_a_french_page_is_arabic_and_right_to_left(
    officer_client, officer, project, known_data, django_capture_on_commit_callbacks, fast_render
):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.bilan_request(
            project=project, period=parse_period("2023-Q2"), acting_user=officer, language="ar"
        )
    snapshot.refresh_from_db()
    page = officer_client.get(f"/bilans/{snapshot.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert '<html lang="fr" dir="ltr">' in html and "Télécharger le PDF" in html  # the page
    document = html[html.index('<div class="bilan-document"') :]
    assert document.startswith('<div class="bilan-document" lang="ar" dir="rtl">')
    assert f"<h2>{texts_for('ar')['key_figures']}</h2>" in document
    assert f"<h2>{texts_for('ar')['family_health']}</h2>" in document
    # The methodology's word on small counts, with the project's k (5), in Arabic too.
    assert texts_for("ar")["small_cells_title"] in document and "Protection" not in document
    assert "تُستبدل الأعداد من 1 إلى 4 بالرمز «&lt;5»" in document
    # Its charts are drawn right to left, whatever the page's direction, and every label is
    # printed whole (wrapped over lines, never cut with an ellipsis).
    charts = [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", document, re.S)]  # noqa: S314
    assert len(charts) == 2 and all(chart.get("direction") == "rtl" for chart in charts)
    shown = " ".join(t.text for chart in charts for t in chart.iter(f"{SVG}text"))
    assert "…" not in shown
    labels = snapshot.context["indicators"]
    for code in ("psychosocial_persons", "public_health_referrals_completed_persons"):
        assert labels[code]["label"] in shown


def test_an_eager_generation_says_the_bilan_is_generated(
    committing_db, transactional_db, officer_client, project, known_data, fast_render
):
    # No REDIS_URL: Celery runs the task when the request commits, before the response.
    response = officer_client.post(
        "/bilans/", {"project": project.pk, "period": "2023-Q2", "language": "fr"}, follow=True
    )
    page = response.content.decode()
    assert "Bilan généré : version 1." in page
    assert "commencé" not in page and "Génération en cours" not in page
    snapshot = BilanSnapshot.objects.get()
    response = officer_client.post(f"/bilans/{snapshot.pk}/regenerer/", follow=True)
    assert "Bilan généré : version 2." in response.content.decode()


def test_a_queued_generation_says_it_started_and_shows_progress(
    officer_client, project, known_data, fast_render, django_capture_on_commit_callbacks
):
    # With a worker, the task is only queued when the response is built.
    with django_capture_on_commit_callbacks() as queued:
        response = officer_client.post(
            "/bilans/", {"project": project.pk, "period": "2023-Q2", "language": "fr"}, follow=True
        )
    page = response.content.decode()
    assert len(queued) == 1
    assert "Bilan demandé : sa génération a commencé." in page
    assert "Génération en cours…" in page and 'hx-trigger="every 2s"' in page
    assert "générée" not in page and "Bilan généré" not in page


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
    snapshot = services.bilan_request(
        project=project, period=parse_period("2023-Q2"), acting_user=officer
    )
    for url in (
        "/admin/bilans/bilansnapshot/",
        "/admin/partners/closedperiod/",
        "/admin/core/notification/",
    ):
        assert client.get(url).status_code == 200
    listed = client.get("/admin/bilans/bilansnapshot/")
    assert listed.context["cl"].result_count == 1 and str(project) in listed.content.decode()
    assert client.get("/admin/bilans/bilansnapshot/add/").status_code == 403
    change = f"/admin/bilans/bilansnapshot/{snapshot.pk}/change/"
    assert 'name="_save"' not in client.get(change).content.decode()  # shown, not editable
    client.post(change, {"language": "ar", "status": "published"})
    snapshot.refresh_from_db()
    assert (snapshot.language, snapshot.status) == ("fr", SnapshotStatus.DRAFT)
    assert client.post(f"/admin/bilans/bilansnapshot/{snapshot.pk}/delete/").status_code == 403


def test_a_failed_eager_generation_says_it_failed(
    committing_db, transactional_db, officer_client, project, known_data, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("WeasyPrint a perdu ses polices")

    monkeypatch.setattr(services, "render_files", broken)
    # No REDIS_URL: the task runs, and fails, when the request commits.
    response = officer_client.post(
        "/bilans/", {"project": project.pk, "period": "2023-Q2", "language": "fr"}, follow=True
    )
    assert response.status_code == 200  # not a 500: the request itself was saved
    page = response.content.decode()
    assert (
        '<p class="message error" role="alert">La génération du bilan a échoué : '
        "la cause est indiquée ci-dessous.</p>"
    ) in page
    assert "WeasyPrint a perdu ses polices" in page  # the cause, on the bilan's page
    assert "commencé" not in page and "Bilan généré" not in page
    assert BilanSnapshot.objects.get().task_state == "failed"


# --- the portal gives donors the published shapes only (issue 13) --------------------------------


def test_portal_shows_the_whole_project_by_default_and_a_quarter_or_a_year_on_request(
    client, donor_user, project, known_data
):
    client.force_login(donor_user)
    response = client.get(f"/portail/{project.code}/")
    assert response.status_code == 200
    assert response.context["period"] == Period(project.start, project.end)
    for text in ("2023-Q2", "2023"):
        response = client.get(f"/portail/{project.code}/", {"period": text})
        assert response.status_code == 200
        assert response.context["period"] == parse_period(text)


@pytest.mark.parametrize("text", ["2023-05", "2031-Q1"])
def test_portal_refuses_a_donor_a_month_or_a_quarter_outside_the_project(
    client, donor_user, project, known_data, text
):
    client.force_login(donor_user)
    response = client.get(f"/portail/{project.code}/", {"period": text})
    assert response.status_code == 400
    assert "trimestre civil" in response.content.decode()
    # The figures shown are the whole project's, never the refused period's.
    assert response.context["period"] == Period(project.start, project.end)


def test_portal_figures_are_suppressed_as_in_the_pdf(client, donor_user, project, known_data):
    client.force_login(donor_user)
    response = client.get(f"/portail/{project.code}/", {"period": "2023-Q2"})
    doc = response.context["doc"]
    frozen = freeze_figures(project, parse_period("2023-Q2"))
    assert doc.small_cell_threshold == frozen["small_cell_threshold"] == 5
    medical = frozen["indicators"]["medical_persons"]
    assert medical["girls"] == "<5"  # one girl in known_data
    assert "&lt;5" in response.content.decode()


def test_officer_may_look_at_any_month_on_the_portal(client, officer, project, known_data):
    client.force_login(officer)
    response = client.get(f"/portail/{project.code}/", {"period": "2023-05"})
    assert response.status_code == 200
    assert response.context["period"] == parse_period("2023-05")
