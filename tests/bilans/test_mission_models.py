"""The mission's bilan as a snapshot (issue 15, DESIGN.md §9): its scope's invariants in the
database, its versions per series, and who may see it — IOM staff only, never a donor nor a
partner, published or not."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from bilans.models import BilanSnapshot, SnapshotScope, SnapshotStatus, TaskState

START, END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


def mission(**fields):
    return BilanSnapshot.objects.create(scope=SnapshotScope.MISSION, start=START, end=END, **fields)


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        BilanSnapshot.objects.create(start=START, end=END, **fields)


def test_a_project_bilan_has_its_project_and_the_missions_has_none(db, project, partner_a):
    refused(scope=SnapshotScope.PROJECT)  # a project bilan without its project
    refused(scope=SnapshotScope.MISSION, project=project)
    refused(scope=SnapshotScope.MISSION, organisation=partner_a)  # no provider cut either
    refused(scope="region")
    assert mission().project is None
    assert BilanSnapshot.objects.create(project=project, start=START, end=END).scope == "project"


def test_one_version_number_per_mission_series(db, project):
    mission(language="fr", version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        mission(language="fr", version=1)
    mission(language="ar", version=1)  # another series: another language
    mission(language="fr", version=2)
    BilanSnapshot.objects.create(start=START, end=END, project=project, version=1)
    other = BilanSnapshot.objects.create(
        scope=SnapshotScope.MISSION, start=START, end=datetime.date(2023, 6, 30), version=1
    )
    assert other.version == 1  # another period: another series


def test_file_names_say_what_the_bilan_is_of(db, project):
    snapshot = mission(language="ar", version=3)
    assert snapshot.file_basename() == "bilan-mission-20230101-20231231-ar-v3"
    assert str(snapshot) == "mission 2023-01-01–2023-12-31 (ar) v3"
    project_bilan = BilanSnapshot(project=project, start=START, end=END, version=1)
    assert project_bilan.file_basename() == "bilan-JPN-PROT-20230101-20231231-fr-v1"


@pytest.fixture
def published_mission(db, media):
    return mission(
        version=1,
        task_state=TaskState.DONE,
        status=SnapshotStatus.PUBLISHED,
        checksum="c" * 64,
        pdf="bilans/mission/m.pdf",
        xlsx="bilans/mission/m.xlsx",
        published_at=datetime.datetime(2024, 1, 5, tzinfo=datetime.UTC),
    )


def test_only_iom_staff_see_mission_bilans(
    published_mission, project, officer, donor_user, alice, charlie, manager_a
):
    draft = mission(language="en")
    visible = BilanSnapshot.objects.visible_to
    assert set(visible(officer)) == {published_mission, draft}
    for user in (donor_user, alice, charlie, manager_a, None):
        assert not visible(user).filter(scope=SnapshotScope.MISSION).exists(), user


def test_a_donor_still_sees_its_projects_published_bilans(published_mission, project, donor_user):
    bilan = BilanSnapshot.objects.create(
        project=project,
        start=START,
        end=END,
        version=1,
        task_state=TaskState.DONE,
        status=SnapshotStatus.PUBLISHED,
        checksum="d" * 64,
        pdf="bilans/JPN-PROT/b.pdf",
        xlsx="bilans/JPN-PROT/b.xlsx",
        published_at=datetime.datetime(2024, 1, 5, tzinfo=datetime.UTC),
    )
    assert list(BilanSnapshot.objects.visible_to(donor_user)) == [bilan]
