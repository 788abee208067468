"""DESIGN.md §8 for one person: the legal hold and the erasure (pseudonymisation), as services.

The figures they must leave alone are proved for random data in
tests/reporting/test_erasure_properties.py; here, one person near their 18th birthday.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Assistance
from assistance.referrals.services import referral_create
from assistance.returns.services import return_case_open
from assistance.services import assistance_cancel, assistance_record, assistance_update
from beneficiaries.choices import ConsentPurpose, ErasureReason
from beneficiaries.consents.services import consent_record, consent_withdraw
from beneficiaries.models import Beneficiary
from beneficiaries.services import (
    beneficiary_merge,
    beneficiary_pseudonymise,
    beneficiary_register,
    beneficiary_set_legal_hold,
    beneficiary_update,
)
from core.audit import REDACTED
from core.models import AuditEntry
from partners.access import SYSTEM
from reporting.engine import Scope, compute
from reporting.facts import facts_check
from reporting.models import Fact
from reporting.periods import parse_period

D = datetime.date
REQUEST = ErasureReason.PERSON_REQUEST


@pytest.fixture
def girl(alice):
    """Registered through the service (so the audit trail holds her names), 18 on 16 March
    2024: a row of 15 March counts her as a girl, one of 16 March as a woman."""
    return beneficiary_register(
        acting_user=alice,
        beneficiary_ref="A-001",
        first_name="Aminata",
        last_name="Diallo",
        sex="F",
        date_of_birth=D(2006, 3, 16),
        registered_on=D(2024, 1, 10),
        consent=True,
    )


def _deliver(person, user, day, notes="", project=None):
    return assistance_record(
        beneficiary=person,
        category="medical",
        subtype="consultation",
        delivered_on=day,
        notes=notes,
        project=project,
        acting_user=user,
    )


def _figures(project):
    results = compute(Scope(project_id=project.pk), parse_period("2024-Q1"))
    return {code: result.as_json() for code, result in results.items()}


class TestPseudonymise:
    def test_erases_the_person_and_keeps_every_figure(self, alice, manager_a, girl, project):
        _deliver(girl, alice, D(2024, 3, 15), notes="Vue avec sa tante Fatou", project=project)
        _deliver(girl, alice, D(2024, 3, 16), project=project)
        referral = referral_create(
            beneficiary=girl,
            category="medical",
            consent=True,
            to_structure="CHR",
            reason="Aminata a peur de son employeur",
            referred_on=D(2024, 3, 16),
            project=project,
            acting_user=alice,
        )
        case = return_case_open(
            beneficiary=girl, country="GN", notes="Sa mère l'attend à Conakry", acting_user=alice
        )
        before = _figures(project)
        births = set(Fact.objects.values_list("born_key", flat=True))
        assert 20060316 in births

        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=manager_a)

        girl.refresh_from_db()
        assert (girl.first_name, girl.last_name, girl.date_of_birth) == ("", "", None)
        assert girl.birth_year == 2006
        assert girl.sex == "F" and girl.is_migrant and girl.beneficiary_ref == "A-001"
        assert girl.pseudonymised_at is not None
        assert girl.pseudonymisation_reason == REQUEST
        assert set(Assistance.objects.values_list("notes", flat=True)) == {""}
        referral.refresh_from_db()
        case.refresh_from_db()
        assert referral.reason == "" and case.notes == ""
        # The ages she was counted with, frozen on each row: 17 on the 15th, 18 on the 16th.
        ages = dict(Assistance.objects.values_list("delivered_on", "frozen_age"))
        assert ages[D(2024, 3, 15)] == 17 and ages[D(2024, 3, 16)] == 18
        assert _figures(project) == before
        # The facts hold the age on each day, which the figures need, and no birth date: a
        # birth key is the day less the frozen age (it is her birthday only on a row of her
        # birthday, as the figures of that day say anyway).
        for fact in Fact.objects.all():
            frozen = Assistance.objects.get(pk=fact.assistance_id).frozen_age
            assert fact.born_key == fact.day_key - frozen * 10000
        assert facts_check().ok

    def test_redacts_the_audit_trail_and_records_the_erasure(self, alice, officer, girl):
        beneficiary_update(beneficiary=girl, acting_user=alice, first_name="Aminatou")
        row = _deliver(girl, alice, D(2024, 3, 15), notes="Parle de son frère Moussa")
        assistance_cancel(assistance=row, acting_user=alice, reason="Aminata est partie")

        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=officer)

        entries = AuditEntry.objects.filter(model="beneficiaries.beneficiary", object_id=girl.pk)
        text = " ".join(str(e.changes) for e in entries)
        for secret in ("Aminata", "Aminatou", "Diallo", "2006-03-16"):
            assert secret not in text
        created = entries.get(action=AuditEntry.Action.CREATE).changes
        assert created["first_name"] == [None, REDACTED]
        assert created["beneficiary_ref"] == [None, "A-001"]  # not personal: kept
        assert created["sex"] == [None, "F"]
        updated = entries.get(action=AuditEntry.Action.UPDATE).changes
        assert updated["first_name"] == [REDACTED, REDACTED]
        erased = entries.get(action=AuditEntry.Action.ERASE)
        assert erased.actor == officer and erased.changes["reason"] == REQUEST
        rows = AuditEntry.objects.filter(model="assistance.assistance", object_id=row.pk)
        text = " ".join(str(e.changes) for e in rows)
        assert "Moussa" not in text and "partie" not in text
        assert rows.get(action=AuditEntry.Action.CANCEL).changes["status"] == [
            "delivered",
            "cancelled",
        ]

    def test_erases_the_records_merged_into_the_person(self, alice, manager_a, girl, project):
        duplicate = beneficiary_register(
            acting_user=alice,
            beneficiary_ref="A-002",
            first_name="Aminata",
            last_name="Dialo",
            sex="F",
            date_of_birth=D(2006, 3, 16),
            registered_on=D(2024, 1, 10),
        )
        _deliver(duplicate, alice, D(2024, 3, 15), project=project)
        beneficiary_merge(duplicate=duplicate, keep=girl, acting_user=manager_a)
        # A row left on the duplicate (as any write path might) counts as the kept record.
        Assistance.objects.create(
            beneficiary=duplicate,
            provider=alice.membership.organisation,
            category="medical",
            subtype="consultation",
            delivered_on=D(2024, 3, 15),
            project=project,
        )
        before = _figures(project)

        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=manager_a)

        duplicate.refresh_from_db()
        assert duplicate.pseudonymised_at is not None and duplicate.last_name == ""
        assert set(Assistance.objects.values_list("frozen_age", flat=True)) == {17}
        assert _figures(project) == before
        assert facts_check().ok
        with pytest.raises(ValidationError, match="fusionnée"):
            beneficiary_pseudonymise(beneficiary=duplicate, reason=REQUEST, acting_user=manager_a)

    def test_unknown_ages_stay_unknown(self, alice, manager_a, project):
        person = beneficiary_register(
            acting_user=alice, beneficiary_ref="U-1", sex="M", registered_on=D(2024, 1, 10)
        )
        _deliver(person, alice, D(2024, 3, 15), project=project)
        before = _figures(project)
        beneficiary_pseudonymise(beneficiary=person, reason=REQUEST, acting_user=manager_a)
        assert Assistance.objects.get().frozen_age == -1
        assert Fact.objects.get().born_key is None
        assert _figures(project) == before

    def test_nothing_changes_an_erased_person_any_more(
        self, alice, manager_a, girl, partner_b, project
    ):
        row = _deliver(girl, alice, D(2024, 3, 15), project=project)
        other = beneficiary_register(acting_user=alice, beneficiary_ref="A-9", sex="M")
        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=manager_a)
        girl.refresh_from_db()
        refused = [
            lambda: beneficiary_update(beneficiary=girl, acting_user=alice, first_name="X"),
            lambda: beneficiary_merge(duplicate=other, keep=girl, acting_user=manager_a),
            lambda: beneficiary_merge(duplicate=girl, keep=other, acting_user=manager_a),
            lambda: _deliver(girl, alice, D(2024, 3, 20)),
            lambda: referral_create(
                beneficiary=girl,
                category="legal",
                consent=True,
                to_organisation=partner_b,
                acting_user=alice,
            ),
            lambda: return_case_open(beneficiary=girl, country="GN", acting_user=alice),
            lambda: assistance_update(assistance=row, acting_user=alice, quantity=2),
            lambda: assistance_cancel(assistance=row, acting_user=alice),
            lambda: beneficiary_pseudonymise(
                beneficiary=girl, reason=REQUEST, acting_user=manager_a
            ),
            lambda: beneficiary_set_legal_hold(
                beneficiary=girl, hold=True, reason="Enquête", acting_user=manager_a
            ),
        ]
        for attempt in refused:
            with pytest.raises(ValidationError, match="effacées"):
                attempt()
        assert Assistance.objects.count() == 1

    def test_the_consent_ledger_stays_without_the_persons_words(
        self, alice, manager_a, girl, partner_b
    ):
        given = consent_record(
            beneficiary=girl,
            purpose=ConsentPurpose.REFERRAL,
            recipient=partner_b,
            given_on=D(2024, 1, 5),
            acting_user=alice,
        )
        consent_withdraw(
            consent=given, on=D(2024, 2, 1), reason="Mon oncle travaille là-bas", acting_user=alice
        )
        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=manager_a)
        given.refresh_from_db()
        assert given.withdrawn_on == D(2024, 2, 1) and given.withdrawal_reason == ""
        trail = AuditEntry.objects.filter(model="beneficiaries.consent", object_id=str(given.pk))
        assert trail.exists() and "oncle" not in str(list(trail.values_list("changes", flat=True)))
        with pytest.raises(ValidationError, match="effacées"):
            consent_record(
                beneficiary=girl,
                purpose=ConsentPurpose.PHOTO,
                given_on=D(2024, 3, 1),
                acting_user=alice,
            )

    def test_who_may_erase(self, alice, charlie, donor_user, manager_a, officer, girl):
        for user in (alice, charlie, donor_user):
            with pytest.raises(PermissionDenied):
                beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=user)
        with pytest.raises(TypeError):
            beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=None)
        with pytest.raises(ValidationError):
            beneficiary_pseudonymise(beneficiary=girl, reason="whim", acting_user=manager_a)
        girl.refresh_from_db()
        assert girl.pseudonymised_at is None and girl.first_name == "Aminata"
        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=SYSTEM)
        assert Beneficiary.objects.get(pk=girl.pk).first_name == ""


class TestLegalHold:
    def test_a_hold_refuses_erasure_until_lifted(self, manager_a, officer, girl):
        beneficiary_set_legal_hold(
            beneficiary=girl, hold=True, reason="Procédure pénale en cours", acting_user=manager_a
        )
        with pytest.raises(ValidationError, match="gel légal"):
            beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=officer)
        beneficiary_set_legal_hold(beneficiary=girl, hold=False, acting_user=officer)
        beneficiary_pseudonymise(beneficiary=girl, reason=REQUEST, acting_user=officer)
        holds = AuditEntry.objects.filter(action=AuditEntry.Action.LEGAL_HOLD).order_by("id")
        assert [e.changes["legal_hold"] for e in holds] == [[False, True], [True, False]]
        # The hold's reason is free text about the person: redacted with the rest.
        assert holds[0].changes["legal_hold_reason"] == ["", REDACTED]

    def test_a_hold_needs_a_reason_and_the_right_user(
        self, alice, charlie, donor_user, manager_a, girl
    ):
        with pytest.raises(ValidationError):
            beneficiary_set_legal_hold(beneficiary=girl, hold=True, acting_user=manager_a)
        for user in (alice, charlie, donor_user):
            with pytest.raises(PermissionDenied):
                beneficiary_set_legal_hold(
                    beneficiary=girl, hold=True, reason="x", acting_user=user
                )
        girl.refresh_from_db()
        assert not girl.legal_hold
