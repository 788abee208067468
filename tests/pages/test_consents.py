"""The consent ledger on the person's file: the panel (live, withdrawn struck), the warning
when no services consent is live, recording and withdrawing as the owner (alice), a colleague
(bob), another partner (charlie), a donor and anonymous; the referral form that records or
refuses; the file closed to the partner and to IOM after a withdrawal."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assistance.models import Referral
from assistance.referrals.services import referral_create, referral_respond
from assistance.returns.services import return_case_open
from assistance.services import assistance_record
from beneficiaries.consents.services import consent_record, consent_withdraw, live_consent
from beneficiaries.services import beneficiary_register
from core import clock

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def person(alice):
    return beneficiary_register(
        acting_user=alice,
        beneficiary_ref="A-FILE-1",
        first_name="Kadiatou",
        last_name="Barry",
        sex="F",
        registered_on=DAY,
        consent=True,
        consent_on=DAY,
    )


@pytest.fixture
def photo(person, alice):
    return consent_record(beneficiary=person, purpose="photo", given_on=DAY, acting_user=alice)


def file_of(client, person):
    return client.get(reverse("beneficiaries:detail", args=[person.pk]))


def add(client, person, **data):
    body = {"purpose": "iom_reporting", "given_on": "2024-03-01", **data}
    return client.post(reverse("beneficiaries:consent_add", args=[person.pk]), body)


def withdraw(client, consent, **data):
    body = {"on": "2024-03-02", "reason": "", **data}
    return client.post(reverse("beneficiaries:consent_withdraw", args=[consent.pk]), body)


def shared_with_charlie(person, alice, charlie, partner_b):
    referral = referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        referred_on=DAY,
        acting_user=alice,
    )
    referral_respond(referral=referral, accept=True, acting_user=charlie)
    return live_consent(person, "referral", partner_b)


class TestPanel:
    def test_the_owner_sees_live_and_withdrawn_consents_and_the_forms(
        self, client, alice, person, photo
    ):
        consent_withdraw(consent=photo, on=DAY, reason="Plus de photos", acting_user=alice)
        client.force_login(alice)
        page = file_of(client, person)
        html = page.text
        assert 'id="consents"' in html
        assert f'id="consent-{live_consent(person, "services").pk}" class="live"' in html
        assert f'id="consent-{photo.pk}" class="withdrawn"' in html
        assert "<del><strong>Photo</strong></del>" in html
        assert "Plus de photos" in html
        assert reverse("beneficiaries:consent_add", args=[person.pk]) in html
        services = live_consent(person, "services")
        assert reverse("beneficiaries:consent_withdraw", args=[services.pk]) in html
        assert reverse("beneficiaries:consent_withdraw", args=[photo.pk]) not in html
        assert 'id="consent-warning"' not in html
        panel = html.split('id="consents"')[1].split("</section>")[0]
        assert "<script" not in panel and 'style="' not in panel  # the CSP allows neither

    def test_the_file_warns_when_the_services_consent_is_missing_or_withdrawn(
        self, client, alice, person
    ):
        client.force_login(alice)
        consent_withdraw(consent=live_consent(person, "services"), on=DAY, acting_user=alice)
        assert 'id="consent-warning"' in file_of(client, person).text
        other = beneficiary_register(acting_user=alice, beneficiary_ref="NONE")
        assert 'id="consent-warning"' in file_of(client, other).text

    def test_a_partner_the_person_was_shared_with_reads_without_forms(
        self, client, alice, charlie, person, partner_b
    ):
        shared = shared_with_charlie(person, alice, charlie, partner_b)
        client.force_login(charlie)
        html = file_of(client, person).text
        assert f'id="consent-{shared.pk}"' in html
        assert reverse("beneficiaries:consent_add", args=[person.pk]) not in html
        assert reverse("beneficiaries:consent_withdraw", args=[shared.pk]) not in html


class TestRecordOnTheFile:
    @pytest.mark.parametrize("user", ["alice", "bob"])
    def test_the_owner_and_a_colleague_record_one(self, client, person, user, request):
        actor = request.getfixturevalue(user)
        client.force_login(actor)
        response = add(client, person)
        assert response.status_code == 302
        assert response["Location"].endswith("#consents")
        consent = live_consent(person, "iom_reporting")
        assert consent is not None and consent.recorded_by == actor

    def test_a_mistake_shows_on_the_file_with_its_message(self, client, alice, person, partner_b):
        client.force_login(alice)
        response = add(client, person, purpose="referral")
        assert response.status_code == 400
        assert "Indiquez l&#x27;organisation" in response.text
        assert not person.consents.filter(purpose="referral").exists()
        duplicate = add(client, person, purpose="services")
        assert duplicate.status_code == 400
        assert "déjà un consentement en cours" in duplicate.text

    def test_outsiders_record_nothing(self, client, person, charlie, donor_user, alice, partner_b):
        client.force_login(charlie)
        assert add(client, person).status_code == 404
        shared_with_charlie(person, alice, charlie, partner_b)
        assert add(client, person).status_code == 404  # sees the file, does not manage it
        client.force_login(donor_user)
        assert add(client, person).status_code == 404
        client.logout()
        response = add(client, person)
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert not person.consents.filter(purpose="iom_reporting").exists()


class TestWithdrawOnTheFile:
    @pytest.mark.parametrize("user", ["alice", "bob"])
    def test_the_owner_and_a_colleague_withdraw(self, client, photo, user, request):
        actor = request.getfixturevalue(user)
        client.force_login(actor)
        response = withdraw(client, photo, reason="Change d'avis")
        assert response.status_code == 302
        photo.refresh_from_db()
        assert (photo.withdrawn_on, photo.withdrawn_by) == (datetime.date(2024, 3, 2), actor)
        assert photo.withdrawal_reason == "Change d'avis"

    def test_a_date_before_the_consent_is_refused_with_its_message(self, client, alice, photo):
        client.force_login(alice)
        response = withdraw(client, photo, on="2024-02-01")
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert "Le retrait précède le consentement." in page.text
        photo.refresh_from_db()
        assert photo.is_live

    def test_get_changes_nothing(self, client, alice, photo):
        client.force_login(alice)
        url = reverse("beneficiaries:consent_withdraw", args=[photo.pk])
        assert client.get(url).status_code == 302
        photo.refresh_from_db()
        assert photo.is_live

    def test_outsiders_withdraw_nothing(
        self, client, person, photo, charlie, donor_user, alice, partner_b
    ):
        client.force_login(charlie)
        assert withdraw(client, photo).status_code == 404
        shared = shared_with_charlie(person, alice, charlie, partner_b)
        assert withdraw(client, shared).status_code == 404
        client.force_login(donor_user)
        assert withdraw(client, photo).status_code == 404
        client.logout()
        response = withdraw(client, photo)
        assert response.status_code == 302 and "/login/" in response["Location"]
        photo.refresh_from_db()
        shared.refresh_from_db()
        assert photo.is_live and shared.is_live


class TestSharingStopsOnThePages:
    def test_the_receiving_partner_loses_the_file_when_the_owner_withdraws(
        self, client, alice, charlie, person, partner_b
    ):
        shared = shared_with_charlie(person, alice, charlie, partner_b)
        client.force_login(charlie)
        assert file_of(client, person).status_code == 200
        assert "Barry".upper() in client.get(reverse("beneficiaries:list")).text.upper()
        client.force_login(alice)
        withdraw(client, shared, on=clock.today().isoformat())
        client.force_login(charlie)
        assert file_of(client, person).status_code == 404
        assert "Kadiatou" not in client.get(reverse("beneficiaries:list")).text

    def test_iom_loses_the_file_when_sharing_with_iom_is_withdrawn(
        self, client, alice, officer, person
    ):
        consent = consent_record(
            beneficiary=person, purpose="iom_reporting", given_on=DAY, acting_user=alice
        )
        client.force_login(officer)
        assert file_of(client, person).status_code == 200
        client.force_login(alice)
        withdraw(client, consent)
        client.force_login(officer)
        assert file_of(client, person).status_code == 404
        client.force_login(alice)
        assert file_of(client, person).status_code == 200


class TestReferralForm:
    def post(self, client, person, partner, **data):
        body = {
            "to_organisation": partner.pk,
            "category": "legal",
            "referred_on": "2024-03-05",
            "consent": "on",
            **data,
        }
        return client.post(reverse("assistance:referral_create", args=[person.pk]), body)

    def test_the_ticked_box_records_the_consent_then_the_referral(
        self, client, alice, person, partner_b
    ):
        client.force_login(alice)
        assert self.post(client, person, partner_b).status_code == 302
        consent = live_consent(person, "referral", partner_b)
        assert consent.given_on == datetime.date(2024, 3, 5)
        assert Referral.objects.get().consent

    def test_after_a_withdrawal_the_form_says_why_it_refuses(
        self, client, alice, person, partner_b
    ):
        consent = consent_record(
            beneficiary=person,
            purpose="referral",
            recipient=partner_b,
            given_on=DAY,
            acting_user=alice,
        )
        consent_withdraw(consent=consent, on=DAY, acting_user=alice)
        client.force_login(alice)
        response = self.post(client, person, partner_b)
        assert response.status_code == 200
        assert "a retiré le 01/03/2024" in response.text
        assert not Referral.objects.exists()


class TestReferralPagesWithholdTheIdentity:
    """The referral stays in both inboxes (its answer, its outcome); the person it names is
    no longer shown to those the person stopped sharing with."""

    def test_the_receiving_partner_no_longer_reads_who_was_referred(
        self, client, alice, charlie, person, partner_b
    ):
        shared = shared_with_charlie(person, alice, charlie, partner_b)
        referral = person.referrals.get()
        detail = reverse("assistance:referral_detail", args=[referral.pk])
        client.force_login(charlie)
        assert "Kadiatou" in client.get(detail).text
        consent_withdraw(consent=shared, on=clock.today(), acting_user=alice)
        page = client.get(detail)
        assert page.status_code == 200
        assert "Kadiatou" not in page.text and "BARRY" not in page.text
        assert 'id="identity-withheld"' in page.text
        inbox = client.get(reverse("assistance:referral_list")).text
        assert "identité retirée" in inbox and "Kadiatou" not in inbox
        client.force_login(alice)
        assert "Kadiatou" in client.get(detail).text

    def test_iom_no_longer_reads_who_was_referred(
        self, client, alice, charlie, officer, person, partner_b
    ):
        shared_with_charlie(person, alice, charlie, partner_b)
        referral = person.referrals.get()
        consent = consent_record(
            beneficiary=person, purpose="iom_reporting", given_on=DAY, acting_user=alice
        )
        consent_withdraw(consent=consent, on=DAY, acting_user=alice)
        client.force_login(officer)
        page = client.get(reverse("assistance:referral_detail", args=[referral.pk]))
        assert page.status_code == 200 and "Kadiatou" not in page.text
        client.force_login(charlie)
        assert "Kadiatou" in client.get(reverse("assistance:referral_list")).text


class TestRowsAboutAPersonWithholdTheIdentity:
    """Assistances, return cases: rows the viewer still sees after the person withdrew
    sharing with them no longer carry the person's name (assistance.identity)."""

    def test_iom_no_longer_reads_the_name_on_assistances_and_return_cases(
        self, client, alice, officer, person
    ):
        assistance_record(
            beneficiary=person,
            category="medical",
            subtype="consultation",
            delivered_on=DAY,
            acting_user=alice,
        )
        case = return_case_open(beneficiary=person, country="GN", acting_user=alice)
        pages = [
            reverse("assistance:list"),
            reverse("assistance:return_list"),
            reverse("assistance:return_detail", args=[case.pk]),
        ]
        client.force_login(officer)
        assert all("Kadiatou" in client.get(url).text for url in pages)
        consent = consent_record(
            beneficiary=person, purpose="iom_reporting", given_on=DAY, acting_user=alice
        )
        consent_withdraw(consent=consent, on=DAY, acting_user=alice)
        for url in pages:
            page = client.get(url)
            assert page.status_code == 200, url
            assert "Kadiatou" not in page.text and "BARRY" not in page.text, url
            assert "identité retirée" in page.text, url
        client.force_login(alice)
        assert all("Kadiatou" in client.get(url).text for url in pages)

    def test_the_receiving_partner_no_longer_reads_the_name_on_its_own_assistances(
        self, client, alice, charlie, person, partner_b
    ):
        shared = shared_with_charlie(person, alice, charlie, partner_b)
        assistance_record(
            beneficiary=person,
            category="medical",
            subtype="consultation",
            delivered_on=DAY,
            acting_user=charlie,
        )
        client.force_login(charlie)
        assert "Kadiatou" in client.get(reverse("assistance:list")).text
        consent_withdraw(consent=shared, on=clock.today(), acting_user=alice)
        page = client.get(reverse("assistance:list")).text
        assert "Kadiatou" not in page and "identité retirée" in page
