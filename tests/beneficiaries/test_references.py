"""Case-file references: registration proposes the organisation's next one (its prefix and
sequence), allocated race-free when the person is saved with it; a reference typed by the
user is kept and consumes no number. The same through the API."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiary_reference_proposal
from beneficiaries.services import beneficiary_register, beneficiary_update
from core.models import AuditEntry
from partners.models import ReferenceSequence, default_reference_prefix
from partners.services import reference_sequence_configure
from tests.append_only import erase_log_rows_of
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory, member

PERSON = {"first_name": "Awa", "last_name": "Sow", "sex": "F"}


def register(user, ref=""):
    return beneficiary_register(acting_user=user, beneficiary_ref=ref, **PERSON)


def test_the_default_prefix_comes_from_the_organisation_identifier():
    assert default_reference_prefix("smso-oujda") == "SMSO-"
    assert default_reference_prefix("iom-maroc") == "IOM-"
    assert default_reference_prefix("inclusion-casa") == "INCL-"


@pytest.mark.django_db
class TestAllocation:
    def test_without_a_reference_the_next_one_is_given(self, alice, bob):
        assert register(alice).beneficiary_ref == "PART-00001"
        assert register(bob).beneficiary_ref == "PART-00002"

    def test_each_organisation_numbers_its_own_files(self, alice, charlie, partner_b):
        reference_sequence_configure(organisation=partner_b, prefix="CASA/")
        assert register(alice).beneficiary_ref == "PART-00001"
        assert register(charlie).beneficiary_ref == "CASA/00001"

    def test_a_typed_reference_is_kept_and_consumes_no_number(self, alice, partner_a):
        assert register(alice, "DOSSIER PAPIER 12").beneficiary_ref == "DOSSIER PAPIER 12"
        assert not ReferenceSequence.objects.filter(organisation=partner_a).exists()
        assert register(alice).beneficiary_ref == "PART-00001"
        register(alice, "X-1")
        assert register(alice).beneficiary_ref == "PART-00002"

    def test_numbers_typed_by_hand_in_the_same_form_are_skipped(self, alice, partner_a):
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="PART-00007")
        assert register(alice).beneficiary_ref == "PART-00008"
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="PART-00009")
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="PART-00012")
        assert register(alice).beneficiary_ref == "PART-00013"

    def test_a_reference_of_invisible_marks_only_is_numbered(self, alice):
        assert register(alice, "\u200f").beneficiary_ref == "PART-00001"
        assert register(alice, " \u202b\u200e ").beneficiary_ref == "PART-00002"

    def test_a_failed_registration_gives_its_number_back(self, alice, partner_a):
        register(alice)
        with pytest.raises(ValidationError) as refused:
            beneficiary_register(
                acting_user=alice, beneficiary_ref="", first_name="X", birth_year=1800
            )
        assert "birth_year" in refused.value.message_dict
        assert ReferenceSequence.objects.get(organisation=partner_a).last_number == 1
        assert register(alice).beneficiary_ref == "PART-00002"

    def test_the_first_number_creates_the_numbering_and_audits_it(self, alice, partner_a):
        register(alice)
        register(alice)
        entry = AuditEntry.objects.get(
            model="partners.referencesequence", object_id=str(partner_a.pk)
        )
        assert (entry.action, entry.actor) == ("create", alice)
        assert entry.changes["prefix"] == [None, "PART-"]

    def test_a_new_prefix_continues_the_numbering(self, alice, partner_a, officer):
        register(alice)
        reference_sequence_configure(organisation=partner_a, prefix="OUJ-", acting_user=officer)
        assert register(alice).beneficiary_ref == "OUJ-00002"

    def test_the_proposal_reserves_nothing(self, alice, bob):
        assert beneficiary_reference_proposal(user=alice) == "PART-00001"
        assert beneficiary_reference_proposal(user=alice) == "PART-00001"
        assert register(bob).beneficiary_ref == "PART-00001"
        assert beneficiary_reference_proposal(user=alice) == "PART-00002"


@pytest.fixture
def race_world(django_db_setup, django_db_blocker):
    """An organisation and two caseworkers *committed* to the test database, so that the
    threads' own connections see them; removed afterwards (a transactional test would flush
    the cities seeded by migrations, which other tests rely on)."""
    with django_db_blocker.unblock():
        organisation = OrganisationFactory(slug="race-oujda", name="Race")
        users = [member(organisation, username=f"race-{n}") for n in range(2)]
        try:
            yield organisation, users
        finally:
            people = Beneficiary.objects.filter(organisation=organisation)
            erase_log_rows_of(users)
            people.delete()
            ReferenceSequence.objects.filter(organisation=organisation).delete()
            for user in users:
                user.delete()  # and its membership
            organisation.delete()


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # the test shows it
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_concurrent_registrations_get_distinct_references(race_world):
    """The first registration holds its transaction open after taking its number; the second,
    started meanwhile, must neither take the same one nor fail on the unique reference."""
    _organisation, (first_user, second_user) = race_world
    first_took_a_number = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            person = register(first_user)
            first_took_a_number.set()
            time.sleep(0.5)
        return person.beneficiary_ref

    def second():
        first_took_a_number.wait(5)
        return register(second_user).beneficiary_ref

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    for thread in threads:
        thread.join(20)
    assert results == {"first": "RACE-00001", "second": "RACE-00002"}


def _while_first_holds(first_save, second_save) -> dict:
    """Run `first_save` in a transaction kept open half a second after it saved, and
    `second_save` meanwhile (its insert waits for the first to commit); their results."""
    first_saved = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            person = first_save()
            first_saved.set()
            time.sleep(0.5)
        return person.beneficiary_ref

    def second():
        first_saved.wait(5)
        return second_save().beneficiary_ref

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    for thread in threads:
        thread.join(20)
    return results


def test_a_reference_typed_meanwhile_makes_the_allocation_take_the_next(race_world):
    """The allocation cannot see the hand-typed reference until it commits: it then takes
    the next number instead of failing."""
    _organisation, (first_user, second_user) = race_world
    results = _while_first_holds(
        lambda: register(first_user, "RACE-00001"), lambda: register(second_user)
    )
    assert results == {"first": "RACE-00001", "second": "RACE-00002"}


TAKEN = "Cette référence de dossier existe déjà dans votre organisation."


def test_a_reference_typed_while_another_registration_takes_it_is_refused(race_world):
    """Not a server error: the form's message, on the reference, as when it was taken long
    before."""
    _organisation, (first_user, second_user) = race_world
    results = _while_first_holds(
        lambda: register(first_user), lambda: register(second_user, "RACE-00001")
    )
    assert results["first"] == "RACE-00001"
    refusal = results["second"]
    assert isinstance(refusal, ValidationError), refusal
    assert refusal.message_dict == {"beneficiary_ref": [TAKEN]}


def test_a_reference_changed_to_one_just_typed_elsewhere_is_refused(race_world):
    _organisation, (first_user, second_user) = race_world
    person = register(second_user)
    results = _while_first_holds(
        lambda: register(first_user, "RACE-7"),
        lambda: beneficiary_update(
            beneficiary=person, acting_user=second_user, beneficiary_ref="RACE-7"
        ),
    )
    assert results["first"] == "RACE-7"
    assert results["second"].message_dict == {"beneficiary_ref": [TAKEN]}
    person.refresh_from_db()
    assert person.beneficiary_ref == "RACE-00001"


def test_many_simultaneous_registrations_never_share_a_number(race_world):
    organisation, users = race_world
    start = threading.Barrier(4)
    results = {}

    def burst(user):
        start.wait(5)
        return [register(user).beneficiary_ref for _ in range(5)]

    threads = [_in_thread(lambda u=users[n % 2]: burst(u), results, n) for n in range(4)]
    for thread in threads:
        thread.join(30)
    refs = [ref for batch in results.values() for ref in batch]
    assert sorted(refs) == [f"RACE-{n:05d}" for n in range(1, 21)]
    assert ReferenceSequence.objects.get(organisation=organisation).last_number == 20


# --- The registration page ---------------------------------------------------------------------


def _post(client, **fields):
    data = {
        "last_name": "Sow",
        "first_name": "Awa",
        "sex": "F",
        "registered_on": timezone.localdate().isoformat(),
        "legal_status": "unknown",
        "is_migrant": "on",
        "confirm_duplicate": "1",
        **fields,
    }
    return client.post(reverse("beneficiaries:create"), data)


@pytest.mark.django_db
class TestRegistrationPage:
    def test_the_next_reference_is_proposed_and_editable(self, client, alice):
        client.force_login(alice)
        page = client.get(reverse("beneficiaries:create"))
        assert 'name="beneficiary_ref" value="PART-00001"' in page.text
        assert "readonly" not in page.text.split('name="beneficiary_ref"')[1].split(">")[0]
        assert not ReferenceSequence.objects.exists(), "showing the form takes no number"

    def test_saving_with_the_proposal_allocates_it(self, client, alice, bob):
        client.force_login(alice)
        response = _post(client, beneficiary_ref="PART-00001", proposed_ref="PART-00001")
        assert response.status_code == 302
        assert Beneficiary.objects.get().beneficiary_ref == "PART-00001"
        page = client.get(response.url)
        assert "dossier PART-00001" in page.text

    def test_a_proposal_taken_meanwhile_gives_the_next_number(self, client, alice, bob):
        client.force_login(alice)
        client.get(reverse("beneficiaries:create"))
        register(bob)  # a colleague saves first, with the same proposal
        response = _post(client, beneficiary_ref="PART-00001", proposed_ref="PART-00001")
        assert response.status_code == 302
        assert sorted(Beneficiary.objects.values_list("beneficiary_ref", flat=True)) == [
            "PART-00001",
            "PART-00002",
        ]

    def test_a_typed_reference_is_kept(self, client, alice, partner_a):
        client.force_login(alice)
        response = _post(client, beneficiary_ref="OUJ/2024/77", proposed_ref="PART-00001")
        assert response.status_code == 302
        assert Beneficiary.objects.get().beneficiary_ref == "OUJ/2024/77"
        assert not ReferenceSequence.objects.filter(organisation=partner_a).exists()
        page = client.get(reverse("beneficiaries:create"))
        assert 'name="beneficiary_ref" value="PART-00001"' in page.text

    def test_a_typed_reference_already_used_is_refused(self, client, alice, partner_a):
        BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-1")
        client.force_login(alice)
        response = _post(client, beneficiary_ref="OUJ-1", proposed_ref="PART-00001")
        assert response.status_code == 200
        assert "Cette référence de dossier existe déjà" in response.text


# --- The admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_sets_the_prefix_in_the_admin(client, officer, alice, partner_a):
    officer.is_staff = True
    officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    register(alice)
    sequence = ReferenceSequence.objects.get(organisation=partner_a)
    url = reverse("admin:partners_referencesequence_change", args=[sequence.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"prefix": "É é"})
    assert bad.status_code == 200
    assert "Lettres sans accents" in bad.text
    saved = client.post(url, {"prefix": "SMSO-"})
    assert saved.status_code == 302
    sequence.refresh_from_db()
    assert (sequence.prefix, sequence.last_number) == ("SMSO-", 1)
    assert AuditEntry.objects.filter(
        model="partners.referencesequence", object_id=str(partner_a.pk), actor=officer
    ).exists()
    assert register(alice).beneficiary_ref == "SMSO-00002"
    listing = client.get(reverse("admin:partners_referencesequence_changelist"))
    assert "SMSO-00003" in listing.text


# --- The API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_gives_a_reference_when_none_is_sent(client_for, alice):
    created = client_for(alice).post("/api/v1/beneficiaries/", PERSON, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["beneficiary_ref"] == "PART-00001"
    typed = client_for(alice).post(
        "/api/v1/beneficiaries/", {**PERSON, "beneficiary_ref": "MINE-9"}, format="json"
    )
    assert typed.json()["beneficiary_ref"] == "MINE-9"
    blank = client_for(alice).post(
        "/api/v1/beneficiaries/", {**PERSON, "beneficiary_ref": ""}, format="json"
    )
    assert blank.json()["beneficiary_ref"] == "PART-00002"


@pytest.fixture
def client_for():
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
