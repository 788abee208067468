"""Re-import, updates, audit, scoping and the queries of the import engine."""

import pytest
from django.core.exceptions import PermissionDenied

from assistance.importer.engine import run_import
from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from core.models import AuditEntry
from partners.access import SYSTEM
from tests.imports.conftest import HEADER, csv_bytes, row


def _state():
    return (
        list(Beneficiary.objects.order_by("pk").values()),
        list(Assistance.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def test_importing_the_same_file_twice_changes_nothing(do_import):
    content = csv_bytes([row(), row(aref="A-2", subtype="exam"), row(ref="B-2", aref="A-3")])
    first = do_import(content)
    assert first.counts["assistances_new"] == 3
    before = _state()
    again = do_import(content)
    assert again.ok
    assert again.counts == {
        "persons_new": 0,
        "persons_updated": 0,
        "persons_unchanged": 2,
        "assistances_new": 0,
        "assistances_updated": 0,
        "assistances_unchanged": 3,
    }
    assert _state() == before


def test_rows_without_assistance_ref_are_not_duplicated_on_re_import(do_import):
    content = csv_bytes([row(aref=""), row(aref="")])  # two identical services that day
    assert do_import(content).counts["assistances_new"] == 2
    again = do_import(content)
    assert again.counts["assistances_unchanged"] == 2
    assert Assistance.objects.count() == 2
    # One more identical row in the file: exactly one more service.
    assert do_import(csv_bytes([row(aref="")] * 3)).counts["assistances_new"] == 1


def test_a_changed_row_updates_its_assistance_and_is_audited(do_import):
    do_import(csv_bytes([row()]))
    assistance = Assistance.objects.get()
    report = do_import(csv_bytes([row(subtype="exam", first_name="Aïcha")]))
    assert report.counts["assistances_updated"] == 1
    assert report.counts["persons_updated"] == 1
    assistance.refresh_from_db()
    assert (assistance.subtype, assistance.version) == ("exam", 2)
    assert Beneficiary.objects.get().first_name == "Aïcha"
    update = AuditEntry.objects.get(
        action="update", model="assistance.assistance", object_id=str(assistance.pk)
    )
    assert update.changes["subtype"] == ["consultation", "exam"]
    assert AuditEntry.objects.filter(action="update", model="beneficiaries.beneficiary").exists()


def test_every_new_record_is_audited_with_its_values(do_import, alice):
    do_import(csv_bytes([row()]), acting_user=alice)
    person, assistance = Beneficiary.objects.get(), Assistance.objects.get()
    created = AuditEntry.objects.filter(action="create", actor=alice)
    assert {(e.model, e.object_id) for e in created} == {
        ("beneficiaries.beneficiary", str(person.pk)),
        ("assistance.assistance", str(assistance.pk)),
    }
    entry = created.get(model="assistance.assistance")
    assert entry.changes["subtype"] == "consultation"
    assert entry.changes["beneficiary_id"] == person.pk
    assert entry.changes["delivered_on"] == "2024-02-10"
    assert entry.changes["value_mad"] is None
    assert (assistance.provider_id, assistance.created_by) == (person.organisation_id, alice)


def test_a_caseworker_imports_only_into_its_own_organisation(do_import, charlie, partner_a):
    with pytest.raises(PermissionDenied):
        do_import(csv_bytes([row()]), acting_user=charlie, organisation=partner_a)
    assert Beneficiary.objects.count() == 0


def test_a_ref_of_another_organisation_is_another_person(do_import, partner_b, project):
    """Keys are (organisation, ref): partner B's B-1 is not partner A's B-1."""
    do_import(csv_bytes([row()]))
    assert do_import(csv_bytes([row()]), organisation=partner_b).counts["persons_new"] == 1
    assert Beneficiary.objects.filter(beneficiary_ref="B-1").count() == 2


def test_a_project_the_organisation_does_not_implement_is_refused(do_import, donor, partner_a):
    from tests.partners.factories import OrganisationFactory, ProjectFactory

    other = ProjectFactory(code="OTHER", donor=donor, partners=[OrganisationFactory()])
    report = do_import(csv_bytes([row()]), project=other)
    assert [(e.row, e.column) for e in report.errors] == [(2, "project")]


def test_dry_run_validates_and_counts_without_writing(do_import):
    report = do_import(csv_bytes([row(), row(ref="B-2", aref="A-2")]), dry_run=True)
    assert report.ok and not report.written
    assert report.counts["persons_new"] == 2
    assert Beneficiary.objects.count() == Assistance.objects.count() == 0


def test_queries_grow_with_batches_not_rows(partner_a, project, django_assert_max_num_queries):
    def run(n, prefix):
        content = csv_bytes([row(ref=f"{prefix}{i // 2}", aref=f"{prefix}{i}") for i in range(n)])
        return run_import(
            content=content,
            filename="f.csv",
            organisation=partner_a,
            acting_user=SYSTEM,
            project=project,
        )

    with django_assert_max_num_queries(20) as small:
        assert run(4, "S").ok
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = run(600, "L")
    assert report.ok and report.counts["assistances_new"] == 600


def test_unknown_columns_are_ignored_and_named(do_import):
    report = do_import(csv_bytes([[*row(), "x"]], header=[*HEADER, "Remarque interne"]))
    assert report.ok
    assert report.ignored_columns == ["Remarque interne"]


def test_a_conflicting_write_during_the_import_leaves_nothing(do_import, monkeypatch):
    from django.db import IntegrityError

    from assistance.importer import engine

    real = engine.copy_create

    def copy_then_conflict(model, objects, now, *args):
        real(model, objects, now, *args)
        if model is Assistance:
            raise IntegrityError("duplicate key")

    monkeypatch.setattr(engine, "copy_create", copy_then_conflict)
    report = do_import(csv_bytes([row()]))
    assert not report.ok and not report.written
    assert "relancez" in report.errors[0].message
    assert Beneficiary.objects.count() == Assistance.objects.count() == 0


def test_a_duplicate_written_meanwhile_fails_the_copy_and_leaves_nothing(
    do_import, monkeypatch, partner_a
):
    """The COPY runs in a worker thread: its database error still reaches the report."""
    from assistance.importer import engine
    from tests.beneficiaries.factories import BeneficiaryFactory

    real = engine.reserve_ids

    def someone_registers_b1_meanwhile(model, objects):
        if model is Beneficiary and objects:
            BeneficiaryFactory(organisation=partner_a, beneficiary_ref="B-1")
        real(model, objects)

    monkeypatch.setattr(engine, "reserve_ids", someone_registers_b1_meanwhile)
    report = do_import(csv_bytes([row()]))
    assert not report.written
    assert "relancez" in report.errors[0].message
    assert Assistance.objects.count() == 0
