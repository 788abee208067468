"""The consent ledger through the API: read and record a person's consents, withdraw one, as
the owner (alice), a colleague (bob), another partner (charlie), a donor and anonymous; and
the referral API that obeys the ledger."""

from __future__ import annotations

import datetime

import pytest

from assistance.referrals.services import referral_respond
from beneficiaries.consents.services import consent_record, consent_withdraw, live_consent
from beneficiaries.models import Consent
from core import clock
from core.models import AuditEntry

DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def photo_consent(person_a, alice):
    return consent_record(beneficiary=person_a, purpose="photo", given_on=DAY, acting_user=alice)


def consents_url(person) -> str:
    return f"/api/v1/beneficiaries/{person.pk}/consents/"


def withdraw_url(consent) -> str:
    return f"/api/v1/consents/{consent.pk}/withdraw/"


class TestRead:
    def test_the_owner_reads_the_ledger_live_and_withdrawn(
        self, client_for, alice, person_a, photo_consent
    ):
        consent_withdraw(consent=photo_consent, on=DAY, reason="Refuse", acting_user=alice)
        consent_record(beneficiary=person_a, purpose="photo", given_on=DAY, acting_user=alice)
        response = client_for(alice).get(consents_url(person_a))
        assert response.status_code == 200
        rows = response.json()["results"]
        assert sorted((r["purpose"], r["live"]) for r in rows) == [
            ("photo", False),
            ("photo", True),
        ]
        withdrawn = next(r for r in rows if not r["live"])
        assert withdrawn["withdrawn_on"] == "2024-03-01"
        assert withdrawn["withdrawal_reason"] == "Refuse"
        assert (withdrawn["recorded_by"], withdrawn["organisation"]) == ("alice", "partner-a")

    def test_another_partner_gets_404_a_donor_403_anonymous_401(
        self, client_for, charlie, donor_user, person_a, photo_consent
    ):
        assert client_for(charlie).get(consents_url(person_a)).status_code == 404
        assert client_for(charlie).get(f"/api/v1/consents/{photo_consent.pk}/").status_code == 404
        assert client_for(donor_user).get(consents_url(person_a)).status_code == 403
        assert client_for(None).get(consents_url(person_a)).status_code == 401


class TestRecord:
    body = {"purpose": "iom_reporting", "given_on": "2024-03-01"}

    @pytest.mark.parametrize("user", ["alice", "bob"])
    def test_the_owner_and_a_colleague_record_one(self, client_for, person_a, user, request):
        actor = request.getfixturevalue(user)
        response = client_for(actor).post(consents_url(person_a), self.body, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["purpose"], body["live"], body["recorded_by"]) == (
            "iom_reporting",
            True,
            actor.username,
        )
        consent = Consent.objects.get(pk=body["id"])
        assert AuditEntry.objects.filter(
            model="beneficiaries.consent", object_id=str(consent.pk), actor=actor
        ).exists()

    def test_a_referral_consent_names_its_recipient_by_slug(
        self, client_for, alice, person_a, partner_b
    ):
        response = client_for(alice).post(
            consents_url(person_a),
            {"purpose": "referral", "recipient": partner_b.slug, "given_on": "2024-03-01"},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["recipient"] == "partner-b"

    def test_a_duplicate_a_missing_recipient_and_a_future_date_answer_400(
        self, client_for, alice, person_a
    ):
        client = client_for(alice)
        assert client.post(consents_url(person_a), self.body, format="json").status_code == 201
        duplicate = client.post(consents_url(person_a), self.body, format="json")
        assert duplicate.status_code == 400 and "purpose" in duplicate.json()
        missing = client.post(
            consents_url(person_a), {"purpose": "referral", "given_on": "2024-03-01"}, format="json"
        )
        assert missing.status_code == 400 and "recipient" in missing.json()
        future = client.post(
            consents_url(person_a), {"purpose": "photo", "given_on": "2999-01-01"}, format="json"
        )
        assert future.status_code == 400 and "given_on" in future.json()

    def test_outsiders_record_nothing(
        self, client_for, charlie, donor_user, person_a, partner_b, alice
    ):
        assert (
            client_for(charlie).post(consents_url(person_a), self.body, format="json").status_code
            == 404
        )
        assert (
            client_for(donor_user)
            .post(consents_url(person_a), self.body, format="json")
            .status_code
            == 403
        )
        assert (
            client_for(None).post(consents_url(person_a), self.body, format="json").status_code
            == 401
        )
        # A partner the person was shared with sees them, but records nothing: 403.
        referral = client_for(alice).post(
            "/api/v1/referrals/",
            {
                "beneficiary": person_a.pk,
                "to_organisation": partner_b.slug,
                "category": "legal",
                "consent": True,
            },
            format="json",
        )
        assert referral.status_code == 201, referral.json()
        referral_respond(referral=person_a.referrals.get(), accept=True, acting_user=charlie)
        assert (
            client_for(charlie).post(consents_url(person_a), self.body, format="json").status_code
            == 403
        )
        assert not person_a.consents.filter(purpose="iom_reporting").exists()


class TestWithdraw:
    @pytest.mark.parametrize("user", ["alice", "bob"])
    def test_the_owner_and_a_colleague_withdraw(self, client_for, photo_consent, user, request):
        actor = request.getfixturevalue(user)
        response = client_for(actor).post(
            withdraw_url(photo_consent),
            {"on": "2024-03-01", "reason": "Change d'avis"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["live"], body["withdrawn_on"], body["withdrawn_by"]) == (
            False,
            "2024-03-01",
            actor.username,
        )

    def test_without_a_date_it_is_withdrawn_today(self, client_for, alice, photo_consent):
        response = client_for(alice).post(withdraw_url(photo_consent), {}, format="json")
        assert response.status_code == 200
        photo_consent.refresh_from_db()
        assert photo_consent.withdrawn_on is not None

    def test_twice_or_before_the_consent_answers_400(self, client_for, alice, photo_consent):
        client = client_for(alice)
        early = client.post(withdraw_url(photo_consent), {"on": "2024-02-01"}, format="json")
        assert early.status_code == 400 and "withdrawn_on" in early.json()
        assert client.post(withdraw_url(photo_consent), {}, format="json").status_code == 200
        assert client.post(withdraw_url(photo_consent), {}, format="json").status_code == 400

    def test_outsiders_withdraw_nothing(self, client_for, charlie, donor_user, photo_consent):
        assert client_for(charlie).post(withdraw_url(photo_consent), {}).status_code == 404
        assert client_for(donor_user).post(withdraw_url(photo_consent), {}).status_code == 403
        assert client_for(None).post(withdraw_url(photo_consent), {}).status_code == 401
        photo_consent.refresh_from_db()
        assert photo_consent.is_live


class TestReferralsObeyTheLedger:
    def referral_body(self, person, partner, consent):
        return {
            "beneficiary": person.pk,
            "to_organisation": partner.slug,
            "category": "legal",
            "consent": consent,
        }

    def test_refused_without_a_live_consent(self, client_for, alice, person_a, partner_b):
        response = client_for(alice).post(
            "/api/v1/referrals/", self.referral_body(person_a, partner_b, False), format="json"
        )
        assert response.status_code == 400 and "consent" in response.json()

    def test_the_consent_field_records_the_consent(self, client_for, alice, person_a, partner_b):
        response = client_for(alice).post(
            "/api/v1/referrals/", self.referral_body(person_a, partner_b, True), format="json"
        )
        assert response.status_code == 201
        assert live_consent(person_a, "referral", partner_b) is not None

    def test_refused_after_a_withdrawal_and_the_partner_stops_seeing_the_person(
        self, client_for, alice, charlie, person_a, partner_b
    ):
        client = client_for(alice)
        created = client.post(
            "/api/v1/referrals/", self.referral_body(person_a, partner_b, True), format="json"
        ).json()
        accepted = client_for(charlie).post(f"/api/v1/referrals/{created['id']}/accept/")
        assert accepted.status_code == 200
        assert client_for(charlie).get(f"/api/v1/beneficiaries/{person_a.pk}/").status_code == 200
        consent = live_consent(person_a, "referral", partner_b)
        assert client.post(withdraw_url(consent), {}, format="json").status_code == 200
        assert client_for(charlie).get(f"/api/v1/beneficiaries/{person_a.pk}/").status_code == 404
        listed = client_for(charlie).get("/api/v1/beneficiaries/").json()["results"]
        assert person_a.pk not in [p["id"] for p in listed]
        again = client.post(
            "/api/v1/referrals/", self.referral_body(person_a, partner_b, True), format="json"
        )
        assert again.status_code == 400
        assert "retiré" in str(again.json()["consent"])

    def test_a_pending_referral_cannot_be_accepted_after_the_withdrawal(
        self, client_for, alice, charlie, person_a, partner_b
    ):
        created = (
            client_for(alice)
            .post(
                "/api/v1/referrals/", self.referral_body(person_a, partner_b, True), format="json"
            )
            .json()
        )
        consent_withdraw(
            consent=live_consent(person_a, "referral", partner_b),
            on=clock.today(),
            acting_user=alice,
        )
        refused = client_for(charlie).post(f"/api/v1/referrals/{created['id']}/accept/")
        assert refused.status_code == 400
        assert client_for(charlie).get(f"/api/v1/beneficiaries/{person_a.pk}/").status_code == 404


def test_iom_no_longer_reads_a_person_who_withdrew_sharing_with_iom(
    client_for, alice, officer, person_a
):
    url = f"/api/v1/beneficiaries/{person_a.pk}/"
    assert client_for(officer).get(url).status_code == 200
    consent = consent_record(
        beneficiary=person_a, purpose="iom_reporting", given_on=DAY, acting_user=alice
    )
    consent_withdraw(consent=consent, on=DAY, acting_user=alice)
    assert client_for(officer).get(url).status_code == 404
    assert client_for(officer).get(consents_url(person_a)).status_code == 404
    assert client_for(alice).get(url).status_code == 200
