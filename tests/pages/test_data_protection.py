"""The person's file, DESIGN.md §8: "Effacer les données personnelles" (a confirmation page,
then the pseudonymised file with its banner) and the legal hold, for the owning
organisation's managers and IOM officers only; and the same erasure through the API."""

import datetime

import pytest
from django.urls import reverse

from assistance.services import assistance_record
from beneficiaries.models import Beneficiary
from beneficiaries.services import (
    beneficiary_pseudonymise,
    beneficiary_register,
    beneficiary_set_legal_hold,
)
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
REF = "OUJ-7788"


@pytest.fixture
def person(alice, project):
    person = beneficiary_register(
        acting_user=alice,
        beneficiary_ref=REF,
        first_name="Mariama",
        last_name="Konaté",
        sex="F",
        date_of_birth=datetime.date(2007, 2, 2),
        registered_on=datetime.date(2024, 1, 10),
    )
    assistance_record(
        beneficiary=person,
        category="medical",
        subtype="consultation",
        delivered_on=datetime.date(2024, 2, 1),
        notes="Enceinte de trois mois",
        project=project,
        acting_user=alice,
    )
    return person


def _erase(client, person, **data):
    return client.post(
        reverse("beneficiaries:erase", args=[person.pk]),
        {"reference": REF, "reason": "person_request", **data},
    )


def _hold(client, person, reason="Procédure judiciaire"):
    return client.post(reverse("beneficiaries:legal_hold", args=[person.pk]), {"reason": reason})


def _erased(person) -> bool:
    return Beneficiary.objects.get(pk=person.pk).pseudonymised_at is not None


class TestErasePage:
    @pytest.mark.parametrize("user", ["manager_a", "officer"])
    def test_the_manager_and_the_officer_erase_after_confirming(
        self, client, request, person, user
    ):
        client.force_login(request.getfixturevalue(user))
        file = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
        assert reverse("beneficiaries:erase", args=[person.pk]) in file
        page = client.get(reverse("beneficiaries:erase", args=[person.pk]))
        assert page.status_code == 200 and "Effacer définitivement" in page.content.decode()

        wrong = _erase(client, person, reference="OUJ-0000")
        assert wrong.status_code == 400 and not _erased(person)
        assert "pas la référence" in wrong.content.decode()

        response = _erase(client, person)
        assert response.status_code == 302 and _erased(person)
        file = client.get(response.url).content.decode()
        assert "Données personnelles effacées" in file and "Fiche pseudonymisée" in file
        for gone in ("Mariama", "Konaté", "Enceinte", "Modifier la fiche", 'id="quick-entry"'):
            assert gone not in file
        assert REF in file
        # Nothing more to do: the confirmation page and the edit page lead back to the file.
        assert client.get(reverse("beneficiaries:erase", args=[person.pk])).status_code == 302
        assert client.get(reverse("beneficiaries:edit", args=[person.pk])).status_code in (302, 404)

    def test_the_caseworker_is_refused(self, client, alice, person):
        client.force_login(alice)
        file = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
        assert reverse("beneficiaries:erase", args=[person.pk]) not in file
        assert client.get(reverse("beneficiaries:erase", args=[person.pk])).status_code == 403
        assert _erase(client, person).status_code == 403
        assert not _erased(person)

    def test_another_organisation_gets_a_404(self, client, charlie, person):
        client.force_login(charlie)
        assert _erase(client, person).status_code == 404
        assert not _erased(person)

    def test_the_donor_and_the_anonymous_are_refused(self, client, donor_user, person):
        response = _erase(client, person)
        assert response.status_code == 302 and "/login/" in response.url
        client.force_login(donor_user)
        assert _erase(client, person).status_code == 404
        assert not _erased(person)

    def test_a_legal_hold_refuses_the_erasure(self, client, manager_a, person):
        beneficiary_set_legal_hold(
            beneficiary=person, hold=True, reason="Enquête", acting_user=manager_a
        )
        client.force_login(manager_a)
        response = _erase(client, person)
        assert response.status_code == 400 and "gel légal" in response.content.decode()
        assert not _erased(person)


class TestLegalHoldPage:
    @pytest.mark.parametrize("user", ["manager_a", "officer"])
    def test_set_then_lift(self, client, request, person, user):
        client.force_login(request.getfixturevalue(user))
        assert client.get(reverse("beneficiaries:legal_hold", args=[person.pk])).status_code == 200
        assert _hold(client, person, reason="").status_code == 400
        assert _hold(client, person).status_code == 302
        person.refresh_from_db()
        assert person.legal_hold and person.legal_hold_reason == "Procédure judiciaire"
        file = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
        assert "Sous gel légal" in file and "Procédure judiciaire" in file
        assert reverse("beneficiaries:erase", args=[person.pk]) not in file
        assert _hold(client, person, reason="").status_code == 302
        person.refresh_from_db()
        assert not person.legal_hold
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LEGAL_HOLD).count() == 2

    def test_refused_to_the_others(self, client, alice, charlie, donor_user, person):
        assert _hold(client, person).status_code == 302  # anonymous: to sign-in
        for user, status in ((alice, 403), (charlie, 404), (donor_user, 404)):
            client.force_login(user)
            assert _hold(client, person).status_code == status
        person.refresh_from_db()
        assert not person.legal_hold


class TestApi:
    def _post(self, client, person, reason="person_request"):
        return client.post(
            f"/api/v1/beneficiaries/{person.pk}/pseudonymise/",
            {"reason": reason},
            content_type="application/json",
        )

    @pytest.mark.parametrize("user", ["manager_a", "officer"])
    def test_allowed(self, client, request, person, user):
        client.force_login(request.getfixturevalue(user))
        assert self._post(client, person, reason="retention").status_code == 400
        response = self._post(client, person)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["first_name"] == "" and body["date_of_birth"] is None
        assert body["birth_year"] == 2007 and body["pseudonymised_at"]
        assert self._post(client, person).status_code == 400  # already erased

    def test_refused(self, client, alice, charlie, donor_user, person):
        assert self._post(client, person).status_code in (401, 403)
        for user, statuses in ((alice, {403}), (charlie, {404}), (donor_user, {403, 404})):
            client.force_login(user)
            assert self._post(client, person).status_code in statuses
        assert not _erased(person)


def test_the_list_names_an_erased_record_as_such(client, manager_a, alice, person):
    beneficiary_pseudonymise(beneficiary=person, reason="person_request", acting_user=manager_a)
    client.force_login(alice)
    page = client.get(reverse("beneficiaries:list")).content.decode()
    assert "Fiche pseudonymisée" in page and REF in page and "KONATÉ" not in page.upper()
