"""DESIGN.md §8 "Retention": the date a retention period runs from, the records that have
expired, and the run that pseudonymises them (`manage.py apply_retention`, the nightly task),
on a controlled clock (core.clock)."""

import datetime
import io
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command

from assistance.models import Assistance
from assistance.referrals.services import referral_create
from assistance.services import assistance_record
from beneficiaries import tasks
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import retention_expired, with_last_activity, years_before
from beneficiaries.services import (
    beneficiary_register,
    beneficiary_set_legal_hold,
    retention_apply,
)
from core.models import AuditEntry
from partners.access import SYSTEM
from partners.services import organisation_update
from reporting.facts import facts_check

D = datetime.date
CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=CASABLANCA)


def _person(user, ref, registered_on, *, changed_on=None):
    person = beneficiary_register(
        acting_user=user,
        beneficiary_ref=ref,
        first_name="Nom",
        last_name=ref,
        sex="F",
        date_of_birth=D(2001, 2, 3),
        registered_on=registered_on,
    )
    # The record was last changed on that day (auto_now says today, whatever the clock).
    Beneficiary.objects.filter(pk=person.pk).update(updated_at=_at(changed_on or registered_on))
    person.refresh_from_db()
    return person


def _deliver(person, user, day, **fields):
    return assistance_record(
        beneficiary=person, category="food", subtype="meal", delivered_on=day,
        acting_user=user, **fields,
    )  # fmt: skip


def _run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_years_before_handles_the_29th_of_february():
    assert years_before(D(2024, 2, 29), 5) == D(2019, 2, 28)
    assert years_before(D(2025, 3, 1), 5) == D(2020, 3, 1)


def test_last_activity_is_the_latest_record_of_the_person(alice, partner_b):
    person = _person(alice, "R-1", D(2019, 1, 10))
    assert with_last_activity(Beneficiary.objects.all()).get().last_activity == D(2019, 1, 10)
    _deliver(person, alice, D(2020, 6, 1))
    referral_create(
        beneficiary=person, category="legal", consent=True, to_organisation=partner_b,
        referred_on=D(2021, 3, 2), acting_user=alice,
    )  # fmt: skip
    cancelled = _deliver(person, alice, D(2022, 1, 5))
    Assistance.objects.filter(pk=cancelled.pk).update(status="cancelled")
    Beneficiary.objects.filter(pk=person.pk).update(updated_at=_at(D(2019, 1, 10)))
    # A cancelled assistance is no activity; the referral is the latest.
    assert with_last_activity(Beneficiary.objects.all()).get().last_activity == D(2021, 3, 2)
    _deliver(person, alice, D(2026, 1, 7), status="planned")
    assert with_last_activity(Beneficiary.objects.all()).get().last_activity == D(2026, 1, 7)


def test_expired_records_follow_each_organisation_s_period(
    alice, charlie, officer, partner_a, partner_b, frozen_clock
):
    frozen_clock(_at(D(2025, 3, 1)))
    old = _person(alice, "A-OLD", D(2019, 5, 1))
    _deliver(old, alice, D(2020, 3, 1))  # 5 years ago today: expired
    recent = _person(alice, "A-NEW", D(2019, 5, 1))
    _deliver(recent, alice, D(2020, 3, 2))  # expires tomorrow
    held = _person(alice, "A-HELD", D(2015, 1, 1))
    beneficiary_set_legal_hold(
        beneficiary=held, hold=True, reason="Procédure judiciaire", acting_user=officer
    )
    _person(charlie, "B-OLD", D(2018, 1, 1))
    organisation_update(organisation=partner_b, retention_years=10, acting_user=officer)
    partner_a.refresh_from_db()
    partner_b.refresh_from_db()
    assert list(
        retention_expired(organisation=partner_a, today=D(2025, 3, 1)).values_list(
            "beneficiary_ref", flat=True
        )
    ) == ["A-OLD"]
    assert not retention_expired(organisation=partner_b, today=D(2025, 3, 1)).exists()
    assert retention_expired(organisation=partner_b, today=D(2028, 1, 1)).exists()


def test_apply_retention_dry_run_then_for_real_then_nothing_left(alice, partner_a, frozen_clock):
    frozen_clock(_at(D(2025, 3, 1)))
    old = _person(alice, "A-OLD", D(2019, 5, 1))
    _deliver(old, alice, D(2020, 3, 1), notes="Dit vivre chez son oncle")
    keep = _person(alice, "A-NEW", D(2024, 5, 1))

    out = _run("--dry-run")
    assert "partner-a" in out and "A-OLD" in out and "A-NEW" not in out
    assert "serait pseudonymisée" in out
    assert not Beneficiary.objects.filter(pseudonymised_at__isnull=False).exists()

    out = _run()
    assert "1 fiche pseudonymisée" in out and "A-OLD" in out
    old.refresh_from_db()
    keep.refresh_from_db()
    assert old.pseudonymised_at is not None and old.last_name == "" and old.birth_year == 2001
    assert old.pseudonymisation_reason == "retention"
    assert keep.pseudonymised_at is None and keep.last_name == "A-NEW"
    assert Assistance.objects.get().notes == ""
    erased = AuditEntry.objects.get(action=AuditEntry.Action.ERASE)
    assert erased.actor is None and erased.changes["reason"] == "retention"
    assert facts_check().ok

    assert "Aucune fiche" in _run()  # idempotent
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASE).count() == 1


def test_a_run_is_bounded_and_the_next_one_goes_on(alice, frozen_clock):
    frozen_clock(_at(D(2025, 3, 1)))
    for ref in ("A-1", "A-2", "A-3"):
        _person(alice, ref, D(2018, 1, 1))
    out = _run("--max-records", "2")
    assert "2 fiches pseudonymisées" in out and "Limite du passage" in out
    assert Beneficiary.objects.filter(pseudonymised_at__isnull=False).count() == 2
    assert "1 fiche pseudonymisée" in _run("--max-records", "2")
    assert Beneficiary.objects.filter(pseudonymised_at__isnull=True).count() == 0


def test_a_dry_run_is_bounded_too(alice, frozen_clock):
    frozen_clock(_at(D(2025, 3, 1)))
    for ref in ("A-1", "A-2", "A-3"):
        _person(alice, ref, D(2018, 1, 1))
    results = retention_apply(acting_user=SYSTEM, dry_run=True, max_records=2, batch_size=1)
    assert results[0].references == ["A-1", "A-2"] and results[0].stopped


def test_only_an_operator_or_an_officer_runs_retention(alice, manager_a, officer):
    for user in (alice, manager_a):
        with pytest.raises(Exception, match="OIM"):
            retention_apply(acting_user=user)
    assert retention_apply(acting_user=officer, dry_run=True) == []


def test_the_nightly_task_runs_the_service_within_its_bounds(alice, frozen_clock):
    frozen_clock(_at(D(2025, 3, 1)))
    _person(alice, "A-OLD", D(2018, 1, 1))
    assert settings.CELERY_BEAT_SCHEDULE["beneficiaries-apply-retention"]["task"] == (
        "beneficiaries.tasks.apply_retention"
    )
    assert tasks.apply_retention.delay().get() == 1
    assert tasks.apply_retention.delay().get() == 0


def test_a_run_that_ends_on_its_bound_with_nothing_left_says_so(alice, frozen_clock):
    frozen_clock(_at(D(2025, 3, 1)))
    for ref in ("A-1", "A-2"):
        _person(alice, ref, D(2018, 1, 1))
    out = _run("--max-records", "2")
    assert "2 fiches pseudonymisées" in out and "Limite du passage" not in out


def test_a_hold_on_a_record_merged_into_the_person_holds_the_person(alice, manager_a, frozen_clock):
    frozen_clock(_at(D(2025, 3, 1)))
    kept = _person(alice, "A-1", D(2018, 1, 1))
    duplicate = _person(alice, "A-2", D(2018, 1, 1))
    beneficiary_set_legal_hold(
        beneficiary=duplicate, hold=True, reason="Réquisition", acting_user=manager_a
    )
    Beneficiary.objects.filter(pk=duplicate.pk).update(merged_into=kept)
    assert "Aucune fiche" in _run()
    kept.refresh_from_db()
    assert kept.pseudonymised_at is None


def test_a_record_refused_by_the_service_waits_and_the_run_goes_on(
    alice, frozen_clock, monkeypatch
):
    from beneficiaries import protection

    frozen_clock(_at(D(2025, 3, 1)))
    first = _person(alice, "A-1", D(2018, 1, 1))
    _person(alice, "A-2", D(2018, 1, 1))
    original = protection.beneficiary_pseudonymise

    def refuse_the_first(*, beneficiary, **kwargs):
        if beneficiary.pk == first.pk:
            raise protection.ValidationError("refusé")
        return original(beneficiary=beneficiary, **kwargs)

    monkeypatch.setattr(protection, "beneficiary_pseudonymise", refuse_the_first)
    out = _run()
    assert "1 fiche pseudonymisée" in out and "A-2" in out and "A-1" not in out
