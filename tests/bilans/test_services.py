"""Versioned snapshots, publication, the quarterly schedule (issue 6)."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError

from bilans import services
from bilans.document import figures_checksum
from bilans.models import BilanSnapshot, SnapshotStatus, TaskState
from bilans.tasks import generate_bilan, schedule_quarterly_drafts
from core.models import AuditEntry, Notification
from iom_cases.celery import app
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import ProjectFactory

Q2 = parse_period("2023-Q2")


@pytest.fixture
def generate(officer, media, django_capture_on_commit_callbacks):
    """Request a bilan; the (eager) task runs when the request's transaction commits."""

    def run(project, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            snapshot = services.bilan_request(
                project=project, period=kwargs.pop("period", Q2), acting_user=officer, **kwargs
            )
        snapshot.refresh_from_db()
        return snapshot

    return run


def test_generation_freezes_figures_checksum_and_files(
    generate, project, known_data, media, exact_figures
):
    snapshot = generate(project)
    assert snapshot.task_state == TaskState.DONE and snapshot.progress == 100
    assert snapshot.status == SnapshotStatus.DRAFT and snapshot.version == 1
    persons = snapshot.figures["indicators"]["beneficiaries_reached"]
    assert (persons["total"], persons["women"], persons["girls"]) == (8, 3, 1)
    assert snapshot.checksum == figures_checksum(snapshot.figures)
    assert (media / snapshot.pdf.name).read_bytes().startswith(b"%PDF")
    assert (media / snapshot.xlsx.name).read_bytes().startswith(b"PK")
    assert snapshot.context["donor"] == "Ambassade du Japon"


def test_regenerating_makes_a_new_version_per_series(generate, project, known_data, fast_render):
    first, second = generate(project), generate(project)
    arabic = generate(project, language="ar")
    assert (first.version, second.version, arabic.version) == (1, 2, 1)
    assert first.pdf.name != second.pdf.name


def test_generating_the_same_request_twice_does_nothing_more(
    generate, project, known_data, fast_render
):
    snapshot = generate(project)
    generate_bilan.apply(args=[snapshot.pk])
    services.bilan_generate(snapshot_id=snapshot.pk)
    assert BilanSnapshot.objects.get().version == 1
    assert AuditEntry.objects.filter(changes__has_key="generated").count() == 1


def test_a_published_snapshot_does_not_change_when_later_data_arrives(
    generate, officer, project, known_data, partner_a, media
):
    snapshot = services.bilan_publish(snapshot=generate(project), acting_user=officer)
    frozen = (snapshot.figures, snapshot.checksum, (media / snapshot.pdf.name).read_bytes())

    # A late entry for the same quarter, and a correction of an existing row.
    late = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="LATE-1", sex="M")
    AssistanceFactory(beneficiary=late, project=project, delivered_on=datetime.date(2023, 6, 2))
    snapshot.refresh_from_db()
    assert (snapshot.figures, snapshot.checksum, (media / snapshot.pdf.name).read_bytes()) == (
        frozen
    )
    with pytest.raises(ValidationError):
        services.bilan_publish(snapshot=snapshot, acting_user=officer)

    newer = generate(project)
    assert newer.version == 2 and newer.status == SnapshotStatus.DRAFT
    assert newer.figures["indicators"]["beneficiaries_reached"]["total"] == 9
    snapshot.refresh_from_db()
    assert snapshot.figures["indicators"]["beneficiaries_reached"]["total"] == 8
    assert snapshot.status == SnapshotStatus.PUBLISHED


def test_only_officers_request_and_publish(generate, project, known_data, alice, donor_user):
    snapshot = generate(project)
    for user in (alice, donor_user):
        with pytest.raises(PermissionDenied):
            services.bilan_request(project=project, period=Q2, acting_user=user)
        with pytest.raises(PermissionDenied):
            services.bilan_publish(snapshot=snapshot, acting_user=user)


def test_an_unfinished_bilan_cannot_be_published(officer, project, media):
    snapshot = services.bilan_request(project=project, period=Q2, acting_user=officer)
    with pytest.raises(ValidationError, match="pas encore généré"):
        services.bilan_publish(snapshot=snapshot, acting_user=officer)


def test_a_failing_generation_is_marked_failed(officer, project, media, monkeypatch):
    snapshot = services.bilan_request(project=project, period=Q2, acting_user=officer)

    def broken(*args, **kwargs):
        raise RuntimeError("rendu impossible")

    monkeypatch.setattr(services, "render_files", broken)
    with pytest.raises(RuntimeError):
        generate_bilan.apply(args=[snapshot.pk], throw=True)
    snapshot.refresh_from_db()
    assert snapshot.task_state == TaskState.FAILED and "rendu impossible" in snapshot.error
    assert snapshot.version is None and not snapshot.pdf


def test_quarterly_schedule_drafts_every_active_project_once_and_notifies_officers(
    officer, project, donor, media, django_capture_on_commit_callbacks, fast_render
):
    ProjectFactory(code="ENDED", donor=donor, start=datetime.date(2020, 1, 1),
                   end=datetime.date(2022, 12, 31))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        drafts = services.bilan_schedule_quarterly(today=datetime.date(2023, 7, 5))
    assert [(d.project.code, d.start, d.end) for d in drafts] == [
        ("JPN-PROT", datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))
    ]
    assert BilanSnapshot.objects.get().task_state == TaskState.DONE
    notice = Notification.objects.get(user=officer)
    assert "Le bilan du trimestre 2023-Q2 est en préparation pour 1 projet :" in notice.message
    with django_capture_on_commit_callbacks(execute=True):
        services.bilan_schedule_quarterly(today=datetime.date(2023, 7, 6))
    assert BilanSnapshot.objects.count() == 1 and Notification.objects.count() == 1


def test_previous_quarter_wraps_the_year():
    assert services.previous_quarter(datetime.date(2024, 1, 5))[0] == "2023-Q4"
    assert services.previous_quarter(datetime.date(2024, 4, 5))[0] == "2024-Q1"


def test_beat_schedules_the_quarterly_drafts_a_few_days_after_each_quarter():
    entry = django_settings.CELERY_BEAT_SCHEDULE["bilans-quarterly-drafts"]
    assert entry["task"] == schedule_quarterly_drafts.name
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert schedule.day_of_month == {5}


def test_a_partner_cut_must_be_a_partner_of_the_project(officer, project, media):
    from tests.partners.factories import OrganisationFactory

    stranger = OrganisationFactory(slug="stranger")
    with pytest.raises(ValidationError, match="partenaire"):
        services.bilan_request(
            project=project, period=Q2, organisation=stranger, acting_user=officer
        )
    assert not BilanSnapshot.objects.exists()


def test_the_nightly_fact_check_tells_officers_once_when_figures_drift(officer, known_data):
    from django.db import connection

    from bilans.tasks import check_reporting_facts
    from core.models import Notification

    entry = django_settings.CELERY_BEAT_SCHEDULE["reporting-facts-check"]
    assert entry["task"] == check_reporting_facts.name
    assert entry["task"] in app.tasks
    assert check_reporting_facts.delay().get() is True
    assert not Notification.objects.exists()

    with connection.cursor() as cursor:  # drift behind the triggers' back
        cursor.execute("DELETE FROM reporting_fact WHERE assistance_id IN "
                       "(SELECT assistance_id FROM reporting_fact LIMIT 2)")  # fmt: skip
    assert check_reporting_facts.delay().get() is False
    assert check_reporting_facts.delay().get() is False
    notice = Notification.objects.get(user=officer)
    assert "(2 lignes manquantes ou fausses, 0 ligne en trop)" in notice.message
    assert "reporting_facts --rebuild" in notice.message


def test_erasing_people_changes_neither_a_published_bilan_nor_the_next_one(
    generate, officer, project, known_data, media
):
    """DESIGN.md §8: published bilans never change, and a bilan generated after the erasure of
    every person counted gives the same figures (ages frozen, sex and population kept)."""
    from beneficiaries.models import Beneficiary
    from beneficiaries.services import beneficiary_pseudonymise

    snapshot = services.bilan_publish(snapshot=generate(project), acting_user=officer)
    frozen = (snapshot.figures, snapshot.checksum, (media / snapshot.pdf.name).read_bytes())

    for person in Beneficiary.objects.active():
        beneficiary_pseudonymise(beneficiary=person, reason="person_request", acting_user=officer)

    snapshot.refresh_from_db()
    assert (snapshot.figures, snapshot.checksum, (media / snapshot.pdf.name).read_bytes()) == (
        frozen
    )
    assert snapshot.status == SnapshotStatus.PUBLISHED
    newer = generate(project)
    assert newer.version == 2
    assert (newer.figures, newer.checksum) == frozen[:2]


def test_each_officer_is_notified_in_their_language(
    officer, project, media, django_capture_on_commit_callbacks, fast_render
):
    """The notice is written for each officer in the language they picked (issue 14)."""
    from partners.choices import Role
    from tests.partners.factories import member

    arabic = member(officer.membership.organisation, Role.IOM_OFFICER, username="officer-ar")
    arabic.membership.language = "ar"
    arabic.membership.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.bilan_schedule_quarterly(today=datetime.date(2023, 7, 5))
    assert "Le bilan du trimestre 2023-Q2" in Notification.objects.get(user=officer).message
    assert "الحصيلة للفصل 2023-Q2" in Notification.objects.get(user=arabic).message
