"""The scoping facts of a user, the hooks partners answers for core, and SYSTEM: the actor
of the ops commands and scheduled tasks, named explicitly (None is refused)."""

from __future__ import annotations

import datetime

import pytest

from assistance.importer.engine import run_import
from bilans.models import BilanSnapshot
from bilans.services import bilan_request, bilan_schedule_quarterly
from core import scoping
from core.models import AuditEntry
from partners.access import SYSTEM, actor_for
from partners.services import organisation_update
from reporting.periods import parse_period
from tests.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


def test_core_asks_partners_who_sees_what(alice, officer, donor_user):
    assert [scoping.sees_everything(u) for u in (officer, alice, donor_user, None)] == [
        True,
        False,
        False,
        False,
    ]
    assert [scoping.works_on_records(u) for u in (officer, alice, donor_user, None)] == [
        True,
        True,
        False,
        False,
    ]


def test_system_sees_nothing_through_scoping():
    assert not actor_for(SYSTEM).works_on_records
    assert not scoping.sees_everything(SYSTEM)


@pytest.mark.parametrize(
    "call",
    [
        lambda w: run_import(
            content=csv_bytes([row()]), filename="f.csv", organisation=w["a"], acting_user=None
        ),
        lambda w: bilan_request(project=w["p"], period=parse_period("2023-Q2"), acting_user=None),
        lambda w: organisation_update(organisation=w["a"], name="X", acting_user=None),
    ],
    ids=["import", "bilan", "organisation"],
)
def test_services_refuse_a_missing_actor(call, partner_a, project):
    with pytest.raises(TypeError, match="SYSTEM"):
        call({"a": partner_a, "p": project})


def test_the_operator_imports_as_system_audited_as_nobody(partner_a, project):
    report = run_import(
        content=csv_bytes([row()]),
        filename="f.csv",
        organisation=partner_a,
        project=project,
        acting_user=SYSTEM,
    )
    assert report.ok
    assert AuditEntry.objects.filter(actor__isnull=False).count() == 0
    assert AuditEntry.objects.filter(model="assistance.assistance").exists()


def test_the_quarterly_schedule_requests_bilans_as_system(project):
    (draft,) = bilan_schedule_quarterly(today=datetime.date(2023, 7, 5))
    assert BilanSnapshot.objects.get(pk=draft.pk).requested_by is None
    entry = AuditEntry.objects.get(model="bilans.bilansnapshot", object_id=str(draft.pk))
    assert entry.actor is None
