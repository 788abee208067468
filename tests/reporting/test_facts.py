"""The fact table the engine reads stays equal to its definition after every kind of write:
services, bulk ORM calls, the importer's COPY, merges, raw SQL; the check command sees drift
and the rebuild repairs it."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assistance.models import Assistance
from assistance.services import assistance_cancel, assistance_record, assistance_update
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_merge, beneficiary_update
from reporting.engine import Scope, compute
from reporting.facts import facts_check, facts_rebuild
from reporting.models import Fact
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory, ProjectFactory
from tests.servers import raw_connection

D = datetime.date
Q2 = parse_period("2023-Q2")


def assert_in_sync():
    drift = facts_check()
    assert drift.ok, drift


def fact(assistance) -> Fact | None:
    return Fact.objects.filter(assistance_id=assistance.pk).first()


@pytest.fixture
def girl(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a, sex="F", date_of_birth=D(2010, 5, 1), is_migrant=True
    )


def test_a_recorded_assistance_gets_its_fact(alice, girl, project):
    row = assistance_record(
        beneficiary=girl, category="medical", subtype="consultation", acting_user=alice,
        delivered_on=D(2023, 5, 2), project=project,
    )  # fmt: skip
    got = fact(row)
    assert got is not None
    assert (got.person_id, got.project_id, got.provider_id) == (
        girl.pk,
        project.pk,
        row.provider_id,
    )
    assert (got.day_key, got.born_key, got.sex, got.is_migrant) == (20230502, 20100501, "F", True)
    assert (got.kind.category, got.kind.subtype, got.kind.outcome) == (
        "medical",
        "consultation",
        "",
    )
    assert_in_sync()


def test_birth_year_only_is_born_on_the_first_of_july(partner_a, project):
    person = BeneficiaryFactory(organisation=partner_a, date_of_birth=None, birth_year=2001)
    row = AssistanceFactory(beneficiary=person, project=project, delivered_on=D(2023, 5, 2))
    assert fact(row).born_key == 20010701
    unknown = BeneficiaryFactory(organisation=partner_a, date_of_birth=None, birth_year=None)
    row = AssistanceFactory(beneficiary=unknown, project=project, delivered_on=D(2023, 5, 2))
    assert fact(row).born_key is None


def test_corrections_cancellations_and_planned_rows(alice, girl, project):
    row = assistance_record(
        beneficiary=girl, category="medical", subtype="consultation", acting_user=alice,
        delivered_on=D(2023, 5, 2), project=project,
    )  # fmt: skip
    row = assistance_update(assistance=row, acting_user=alice, delivered_on=D(2023, 6, 9))
    assert fact(row).day_key == 20230609
    row = assistance_update(assistance=row, acting_user=alice, category="food", subtype="meal")
    assert fact(row).kind.category == "food"
    assistance_cancel(assistance=row, acting_user=alice, reason="doublon")
    assert fact(row) is None
    planned = AssistanceFactory(beneficiary=girl, project=project, status="planned")
    assert fact(planned) is None
    Assistance.objects.filter(pk=planned.pk).update(status="delivered")
    assert fact(planned) is not None
    assert_in_sync()


def test_a_deleted_assistance_loses_its_fact(girl, project):
    row = AssistanceFactory(beneficiary=girl, project=project)
    Assistance.objects.filter(pk=row.pk).delete()
    assert fact(row) is None
    assert_in_sync()


def test_changing_the_person_changes_every_fact(alice, girl, project):
    rows = [AssistanceFactory(beneficiary=girl, project=project) for _ in range(3)]
    beneficiary_update(beneficiary=girl, acting_user=alice, sex="M", date_of_birth=D(1990, 1, 2))
    assert {(fact(r).sex, fact(r).born_key) for r in rows} == {("M", 19900102)}
    Beneficiary.objects.filter(pk=girl.pk).update(is_migrant=False)
    assert {fact(r).is_migrant for r in rows} == {False}
    assert_in_sync()


def test_a_merge_counts_the_duplicate_as_the_kept_record(manager_a, partner_a, project):
    kept = BeneficiaryFactory(organisation=partner_a, sex="F", date_of_birth=D(1980, 1, 1))
    duplicate = BeneficiaryFactory(organisation=partner_a, sex="M", date_of_birth=D(2012, 1, 1))
    row = AssistanceFactory(beneficiary=duplicate, project=project)
    beneficiary_merge(duplicate=duplicate, keep=kept, acting_user=manager_a)
    assert (fact(row).person_id, fact(row).sex) == (kept.pk, "F")
    # A row left on the duplicate (written before the merge by SQL) counts for the kept record,
    # and follows the kept record's later changes.
    left = AssistanceFactory(beneficiary=kept, project=project)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assistance_assistance SET beneficiary_id = %s WHERE id = %s",
            [duplicate.pk, left.pk],
        )
    assert fact(left).person_id == kept.pk
    Beneficiary.objects.filter(pk=kept.pk).update(sex="U")
    assert fact(left).sex == "U"
    assert_in_sync()


def test_bulk_writes_keep_the_table_in_sync(partner_a, project):
    people = BeneficiaryFactory.create_batch(5, organisation=partner_a)
    Assistance.objects.bulk_create(
        [
            Assistance(
                beneficiary=p, category="food", subtype="meal", delivered_on=D(2023, 4, 3),
                provider=partner_a, project=project,
            )
            for p in people
        ]
    )  # fmt: skip
    assert Fact.objects.filter(project=project).count() == 5
    Assistance.objects.filter(project=project).update(delivered_on=D(2023, 4, 4))
    assert set(Fact.objects.values_list("day_key", flat=True)) == {20230404}
    Beneficiary.objects.filter(pk__in=[p.pk for p in people]).update(sex="F")
    assert set(Fact.objects.values_list("sex", flat=True)) == {"F"}
    assert_in_sync()


def test_the_engine_follows_a_correction_at_once(alice, girl, project):
    row = assistance_record(
        beneficiary=girl, category="medical", subtype="consultation", acting_user=alice,
        delivered_on=D(2023, 5, 2), project=project,
    )  # fmt: skip
    results = compute(Scope(project_id=project.pk), Q2)
    assert results["medical_persons"].girls == 1
    beneficiary_update(beneficiary=girl, acting_user=alice, date_of_birth=D(1990, 1, 1))
    results = compute(Scope(project_id=project.pk), Q2)
    assert (results["medical_persons"].girls, results["medical_persons"].women) == (0, 1)
    assistance_cancel(assistance=row, acting_user=alice)
    assert compute(Scope(project_id=project.pk), Q2)["medical_persons"].total == 0


def test_check_command_reports_drift_and_rebuild_repairs_it(girl, project):
    rows = [AssistanceFactory(beneficiary=girl, project=project) for _ in range(3)]
    out = io.StringIO()
    call_command("reporting_facts", stdout=out)
    assert "conforme" in out.getvalue()

    # Drift made behind the triggers' back (as a restore of one table alone would).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_fact WHERE assistance_id = %s", [rows[0].pk])
        cursor.execute("UPDATE reporting_fact SET sex = 'M' WHERE assistance_id = %s", [rows[1].pk])
    drift = facts_check()
    assert (drift.missing, drift.unexpected) == (2, 1)
    with pytest.raises(CommandError, match="2 ligne"):
        call_command("reporting_facts", stdout=io.StringIO())

    out = io.StringIO()
    call_command("reporting_facts", "--rebuild", stdout=out)
    assert "reconstruite : 3 lignes." in out.getvalue()
    assert_in_sync()
    assert facts_rebuild() == 3


@pytest.fixture
def committed_person(django_db_setup, django_db_blocker):
    """A girl with one assistance *committed* to the test database, so that other connections
    see her; removed afterwards (a transactional test would flush the cities and catalogue
    seeded by migrations, which other tests rely on)."""
    with django_db_blocker.unblock():
        partner = OrganisationFactory(slug="partner-race")
        project = ProjectFactory(code="RACE", partners=[partner])
        person = BeneficiaryFactory(organisation=partner, sex="F", date_of_birth=D(2010, 1, 1))
        first = AssistanceFactory(beneficiary=person, project=project, provider=partner)
        try:
            yield person, first
        finally:
            Assistance.objects.filter(beneficiary=person).delete()
            person.delete()
            project.delete()
            project.donor.delete()
            partner.delete()


def test_a_correction_racing_a_new_assistance_leaves_the_right_fact(
    committed_person, django_db_blocker
):
    """Transaction A corrects a girl's sex; transaction B, meanwhile, records an assistance
    for her. B's trigger must wait for A and then read the corrected person: otherwise each
    trigger sees only its own transaction and B's fact keeps the old sex for good."""
    person, first = committed_person
    a, b = raw_connection(), raw_connection()
    try:
        with a.cursor() as cursor:
            cursor.execute(
                "UPDATE beneficiaries_beneficiary SET sex = 'M' WHERE id = %s", [person.pk]
            )

        def record():
            with b.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO assistance_assistance (beneficiary_id, category, subtype, "
                    "delivered_on, status, provider_id, project_id, city_id, country, quantity, "
                    "outcome, notes, assistance_ref, version, created_at, updated_at) "
                    "SELECT beneficiary_id, category, subtype, delivered_on, status, "
                    "provider_id, project_id, city_id, country, quantity, outcome, notes, '', 1, "
                    "now(), now() FROM assistance_assistance WHERE id = %s",
                    [first.pk],
                )
            b.commit()

        racing = threading.Thread(target=record)
        racing.start()
        racing.join(1.0)
        assert racing.is_alive(), "B should wait for A's correction of the person"
        a.commit()
        racing.join(10)
        assert not racing.is_alive()
    finally:
        a.close()
        b.close()
    with django_db_blocker.unblock():
        sexes = list(Fact.objects.filter(person=person).values_list("sex", flat=True))
        assert sexes == ["M", "M"]
        assert_in_sync()
