"""The mission's bilan on the bilans pages (issue 15): officers request it (a year or two
dates, a language), follow its generation, review, publish and download it; nobody else sees
the form, reaches a mission bilan (404, published or not) or changes one; the donor portal
never lists it."""

import datetime

import pytest

from bilans import services
from bilans.models import BilanSnapshot, SnapshotStatus, TaskState
from core import clock
from reporting.periods import parse_period

YEAR = parse_period("2023")


@pytest.fixture
def officer_client(client, officer, media):
    client.force_login(officer)
    return client


@pytest.fixture
def finished(generate_mission, mission_data, fast_render):
    return generate_mission()


def test_the_form_asks_for_last_year_and_a_language(officer_client):
    page = officer_client.get("/bilans/").content.decode()
    assert 'id="mission-bilan-form"' in page and 'action="/bilans/mission/"' in page
    assert f'name="mission-period" value="{clock.today().year - 1}"' in page
    for field in ("id_mission-period", "id_mission-start", "id_mission-end", "id_mission-language"):
        assert f'id="{field}"' in page and f'for="{field}"' in page
    assert 'id="mission-bilan-submit"' in page and "Générer le bilan de la mission" in page


def test_an_officer_requests_it_in_arabic_and_downloads_it(
    officer_client, mission_data, django_capture_on_commit_callbacks, fast_render
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            "/bilans/mission/", {"mission-period": "2023", "mission-language": "ar"}
        )
    snapshot = BilanSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bilans/{snapshot.pk}/"
    assert (snapshot.scope, snapshot.start, snapshot.end, snapshot.language) == (
        "mission", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), "ar",
    )  # fmt: skip
    assert snapshot.task_state == TaskState.DONE
    page = officer_client.get(f"/bilans/{snapshot.pk}/").content.decode()
    assert "Bilan de la mission" in page and "Version 1 générée" in page
    assert 'id="download-pdf"' in page and 'id="download-xlsx"' in page
    assert "Publier (version définitive)" in page and "Publier pour le bailleur" not in page
    # The review, in the bilan's language and direction.
    assert '<div class="bilan-document" lang="ar" dir="rtl">' in page
    assert "وجدة" in page  # Oujda, in the persons by city
    download = officer_client.get(f"/bilans/{snapshot.pk}/telecharger/pdf/")
    assert download.status_code == 200
    assert 'filename="bilan-mission-20230101-20231231-ar-v1.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    xlsx = officer_client.get(f"/bilans/{snapshot.pk}/telecharger/xlsx/")
    assert xlsx.status_code == 200 and "ar-v1.xlsx" in xlsx["Content-Disposition"]


def test_start_and_end_dates_work_too(
    officer_client, mission_data, django_capture_on_commit_callbacks, fast_render
):
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            "/bilans/mission/",
            {"mission-start": "2023-03-01", "mission-end": "2023-06-30", "mission-language": "fr"},
        )
    snapshot = BilanSnapshot.objects.get()
    assert (snapshot.start, snapshot.end) == (datetime.date(2023, 3, 1), datetime.date(2023, 6, 30))


def test_a_bad_request_explains_and_keeps_the_project_form(officer_client):
    response = officer_client.post(
        "/bilans/mission/",
        {"mission-period": "2023", "mission-start": "2023-01-01", "mission-end": "2023-02-01",
         "mission-language": "fr"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Donnez une période ou des dates, pas les deux." in page
    assert 'name="project"' in page  # the project bilan's form is still there
    assert (
        officer_client.post("/bilans/mission/", {"mission-period": "deux mille"}).status_code == 400
    )
    assert not BilanSnapshot.objects.exists()


def test_the_list_shows_mission_bilans_with_bounded_queries(
    officer_client, officer, finished, project, django_assert_max_num_queries
):
    services.bilan_request(project=project, period=YEAR, acting_user=officer)
    with django_assert_max_num_queries(12):
        page = officer_client.get("/bilans/").content.decode()
    assert "Mission (tous les projets)" in page and "JPN-PROT" in page
    only = officer_client.get("/bilans/?scope=mission").content.decode()
    assert "Mission (tous les projets)" in only and ">JPN-PROT<" not in only


def test_an_officer_publishes_and_regenerates_it(
    officer_client, finished, django_capture_on_commit_callbacks
):
    response = officer_client.post(f"/bilans/{finished.pk}/publier/", follow=True)
    assert "Bilan de la mission publié" in response.content.decode()
    finished.refresh_from_db()
    assert finished.status == SnapshotStatus.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/bilans/{finished.pk}/regenerer/")
    new = BilanSnapshot.objects.exclude(pk=finished.pk).get()
    assert (new.scope, new.project, new.version, new.language) == ("mission", None, 2, "fr")
    progress = officer_client.get(f"/bilans/{new.pk}/progression/")
    assert progress.status_code == 200 and "Version 2 générée" in progress.content.decode()


@pytest.mark.parametrize("who", ["alice", "manager_a", "charlie", "donor_user"])
def test_nobody_else_reaches_or_changes_a_mission_bilan(client, request, who, finished, officer):
    services.bilan_publish(snapshot=finished, acting_user=officer)  # even published
    client.force_login(request.getfixturevalue(who))
    assert "mission-bilan-form" not in client.get("/bilans/").content.decode()
    for url in (
        f"/bilans/{finished.pk}/",
        f"/bilans/{finished.pk}/progression/",
        f"/bilans/{finished.pk}/telecharger/pdf/",
        f"/bilans/{finished.pk}/telecharger/xlsx/",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/bilans/mission/", f"/bilans/{finished.pk}/publier/",
                f"/bilans/{finished.pk}/regenerer/"):  # fmt: skip
        response = client.post(url, {"mission-period": "2023", "mission-language": "fr"})
        assert response.status_code == 404, url
    assert BilanSnapshot.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, finished):
    for url in ("/bilans/mission/", f"/bilans/{finished.pk}/publier/",
                f"/bilans/{finished.pk}/regenerer/"):  # fmt: skip
        response = client.post(url, {"mission-period": "2023", "mission-language": "fr"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get(f"/bilans/{finished.pk}/telecharger/pdf/").status_code == 302
    assert BilanSnapshot.objects.count() == 1


def test_the_donor_portal_never_lists_it(client, donor_user, officer, finished, project):
    services.bilan_publish(snapshot=finished, acting_user=officer)
    client.force_login(donor_user)
    page = client.get("/portail/").content.decode()
    assert f"/bilans/{finished.pk}/" not in page and "mission" not in page.lower()
    project_page = client.get(f"/portail/{project.code}/").content.decode()
    assert f"/bilans/{finished.pk}/" not in project_page
