"""The assistance pages: quick entry, correction and cancellation, group sessions, the
organisation's list, referrals both ways, and AVRR return cases."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import Activity, Assistance, Referral, ReturnCase
from assistance.referrals import services as referral_services
from assistance.returns import services as return_services
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow")


def test_quick_entry_defaults_to_today_and_the_active_project(client, alice, person, project):
    client.force_login(alice)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    form = page.context["quick_form"]
    assert form["delivered_on"].value() == timezone.localdate()
    assert form["project"].value() == project.pk
    response = client.post(
        reverse("assistance:create", args=[person.pk]),
        {
            "a-category": "food",
            "a-subtype": "food_voucher",
            "a-delivered_on": timezone.localdate().isoformat(),
            "a-project": project.pk,
            "a-status": "delivered",
            "a-quantity": "1",
        },
    )
    assert response.status_code == 302
    row = Assistance.objects.get()
    assert (row.category, row.subtype, row.provider, row.project) == (
        "food",
        "food_voucher",
        person.organisation,
        project,
    )


def test_quick_entry_refuses_a_subtype_of_another_category(client, alice, person):
    client.force_login(alice)
    response = client.post(
        reverse("assistance:create", args=[person.pk]),
        {
            "a-category": "food",
            "a-subtype": "consultation",
            "a-delivered_on": "2024-01-01",
            "a-status": "delivered",
            "a-quantity": "1",
        },
    )
    assert response.status_code == 400
    assert not Assistance.objects.exists()
    assert 'id="id_a-subtype_error"' in response.text


def test_subtypes_follow_the_category(client, alice):
    client.force_login(alice)
    response = client.get(reverse("assistance:subtype_options"), {"a-category": "avrr"})
    assert 'value="return_from_morocco"' in response.text
    assert 'value="food_voucher"' not in response.text
    kept = client.get(
        reverse("assistance:subtype_options"), {"category": "food", "subtype": "meal"}
    )
    assert '<option value="meal" selected>' in kept.text


def test_edit_and_cancel_keep_the_row(client, alice, person):
    row = AssistanceFactory(beneficiary=person)
    client.force_login(alice)
    edit_url = reverse("assistance:edit", args=[row.pk])
    response = client.post(
        edit_url,
        {
            "category": "medical",
            "subtype": "medication",
            "delivered_on": "2023-06-02",
            "status": "delivered",
            "quantity": "2",
            "version": row.version,
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.subtype, row.version) == ("medication", 2)

    response = client.post(
        reverse("assistance:cancel", args=[row.pk]), {"reason": "doublon", "version": 2}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "cancelled"
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert 'class="cancelled"' in page.text and "Médicaments" in page.text


def test_assistance_edit_conflict_keeps_input(client, alice, bob, person):
    row = AssistanceFactory(beneficiary=person)
    services.assistance_update(assistance=row, acting_user=bob, notes="par Bob")
    client.force_login(alice)
    response = client.post(
        reverse("assistance:edit", args=[row.pk]),
        {
            "category": "medical",
            "subtype": "exam",
            "delivered_on": "2023-06-01",
            "status": "delivered",
            "quantity": "1",
            "notes": "par Alice",
            "version": 1,
        },
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.notes == "par Bob"
    assert "par Alice" in response.text and "par Bob" in response.text


def test_only_the_provider_corrects_an_assistance(client, charlie, alice, person):
    referral = referral_services.referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=charlie.membership.organisation,
        acting_user=alice,
    )
    referral_services.referral_respond(referral=referral, accept=True, acting_user=charlie)
    row = AssistanceFactory(beneficiary=person)
    client.force_login(charlie)
    assert client.get(reverse("assistance:edit", args=[row.pk])).status_code == 404
    assert client.post(reverse("assistance:cancel", args=[row.pk])).status_code == 404


def test_group_session_records_one_assistance_per_participant(client, alice, partner_a, project):
    people = BeneficiaryFactory.create_batch(3, organisation=partner_a)
    client.force_login(alice)
    page = client.get(reverse("assistance:activity_create"), {"ids": [p.pk for p in people[:2]]})
    assert page.context["selected"] == people[:2] or set(page.context["selected"]) == set(
        people[:2]
    )
    response = client.post(
        reverse("assistance:activity_create"),
        {
            "category": "awareness",
            "subtype": "health",
            "title": "Santé maternelle",
            "held_on": "2024-05-05",
            "project": project.pk,
            "participants": [p.pk for p in people],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.assistances.count() == 3
    assert activity.women == 3


def test_group_session_counts_attendees_who_are_not_registered(client, alice, partner_a, project):
    person = BeneficiaryFactory(organisation=partner_a)
    client.force_login(alice)
    session = {
        "category": "awareness",
        "subtype": "gbv",
        "title": "Causerie VBG",
        "held_on": "2024-05-05",
        "project": project.pk,
    }
    refused = client.post(reverse("assistance:activity_create"), session)
    assert refused.status_code == 200
    assert "non enregistré" in refused.text
    assert not Activity.objects.exists()
    response = client.post(
        reverse("assistance:activity_create"),
        {**session, "participants": [person.pk], "women": "12", "boys": "4"},
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.women, activity.boys, activity.headcount) == (13, 4, 17)
    assert activity.assistances.count() == 1


def test_group_session_cannot_include_someone_out_of_scope(client, alice, partner_b):
    stranger = BeneficiaryFactory(organisation=partner_b)
    client.force_login(alice)
    response = client.post(
        reverse("assistance:activity_create"),
        {
            "category": "awareness",
            "subtype": "health",
            "title": "x",
            "held_on": "2024-05-05",
            "participants": [stranger.pk],
        },
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_participant_search_finds_only_visible_people(client, alice, partner_a, partner_b):
    BeneficiaryFactory(organisation=partner_a, first_name="Fatoumata", last_name="Camara")
    BeneficiaryFactory(organisation=partner_b, first_name="Fatoumata", last_name="Keita")
    client.force_login(alice)
    response = client.get(reverse("assistance:participant_search"), {"q": "Fatumata"})
    assert "CAMARA" in response.text
    assert "KEITA" not in response.text


def test_assistance_list_uses_the_shared_filter_and_bounded_queries(
    client, alice, partner_a, django_assert_max_num_queries
):
    for person in BeneficiaryFactory.create_batch(3, organisation=partner_a):
        AssistanceFactory(beneficiary=person, category="food", subtype="meal")
    AssistanceFactory(beneficiary=person, category="legal", subtype="documentation")
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assistance:list"), {"category": "food"})
    assert {a.category for a in response.context["page_obj"]} == {"food"}
    for person in BeneficiaryFactory.create_batch(40, organisation=partner_a):
        AssistanceFactory(beneficiary=person)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assistance:list"))
    assert len(response.context["page_obj"]) == 44 or len(response.context["page_obj"]) == 50


def test_referral_to_partner_inbox_accept_and_outcome(client, alice, charlie, person, partner_b):
    client.force_login(alice)
    response = client.post(
        reverse("assistance:referral_create", args=[person.pk]),
        {
            "to_organisation": partner_b.pk,
            "category": "psychosocial",
            "reason": "Suivi psychologique",
            "consent": "on",
            "referred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()

    client.force_login(charlie)
    assert client.get(reverse("beneficiaries:detail", args=[person.pk])).status_code == 404
    inbox = client.get(reverse("assistance:referral_list"))
    assert "SOW" in inbox.text
    client.post(reverse("assistance:referral_respond", args=[referral.pk]), {"answer": "accept"})
    assert client.get(reverse("beneficiaries:detail", args=[person.pk])).status_code == 200
    client.post(
        reverse("assistance:referral_outcome", args=[referral.pk]),
        {"outcome": "service_received", "outcome_on": timezone.localdate().isoformat()},
    )
    referral.refresh_from_db()
    assert referral.outcome == "service_received"

    client.force_login(alice)
    page = client.get(reverse("assistance:referral_detail", args=[referral.pk]))
    assert "Service reçu" in page.text


def test_referral_needs_consent_and_a_destination(client, alice, person):
    client.force_login(alice)
    response = client.post(
        reverse("assistance:referral_create", args=[person.pk]),
        {"category": "medical", "referred_on": "2024-01-01"},
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Le consentement de la personne est requis." in response.text
    assert 'id="id_to_organisation_error"' in response.text


def test_public_health_referral_records_its_assistance(client, alice, person):
    client.force_login(alice)
    client.post(
        reverse("assistance:referral_create", args=[person.pk]),
        {
            "to_structure": "CHU Mohammed VI",
            "category": "medical",
            "consent": "on",
            "referred_on": timezone.localdate().isoformat(),
        },
    )
    referral = Referral.objects.get()
    assert referral.assistance.subtype == "referral_public_health"


def test_return_case_moves_through_its_stages(client, alice, person):
    client.force_login(alice)
    response = client.post(
        reverse("assistance:return_open", args=[person.pk]),
        {"direction": "from_morocco", "country": "GN", "opened_on": "2024-01-10"},
    )
    case = ReturnCase.objects.get()
    assert response.url == reverse("assistance:return_detail", args=[case.pk])
    client.post(
        reverse("assistance:return_advance", args=[case.pk]),
        {"stage": "returned", "on": "2024-02-01"},
    )
    case.refresh_from_db()
    assert case.stage == "returned"
    client.post(
        reverse("assistance:return_reintegration", args=[case.pk]),
        {"subtype": "business", "delivered_on": "2024-03-01", "value_mad": "5000"},
    )
    subtypes = set(case.assistances.values_list("subtype", flat=True))
    assert {"counselling", "pre_departure", "medical_check", "return_from_morocco"} <= subtypes
    assert "business" in subtypes
    page = client.get(reverse("assistance:return_detail", args=[case.pk]))
    assert "Guinée" in page.text
    assert 'aria-current="step"' in page.text
    going_back = client.post(
        reverse("assistance:return_advance", args=[case.pk]),
        {"stage": "counselling", "on": "2024-03-02"},
    )
    assert going_back.status_code == 400


def test_a_case_opened_by_iom_is_read_not_moved_by_the_persons_organisation(
    client, alice, officer, person
):
    case = return_services.return_case_open(
        beneficiary=person, country="GN", acting_user=officer, opened_on=datetime.date(2024, 1, 10)
    )
    client.force_login(alice)
    page = client.get(reverse("assistance:return_detail", args=[case.pk]))
    assert page.status_code == 200
    assert reverse("assistance:return_advance", args=[case.pk]) not in page.text
    for name, data in (
        ("assistance:return_advance", {"stage": "cancelled", "on": "2024-02-01"}),
        ("assistance:return_reintegration", {"subtype": "cash", "delivered_on": "2024-02-01"}),
    ):
        assert client.post(reverse(name, args=[case.pk]), data).status_code == 404
    case.refresh_from_db()
    assert (case.stage, case.closed_on) == ("counselling", None)
    assert case.assistances.count() == 1


def test_lists_of_referrals_and_returns_have_bounded_queries(
    client, alice, partner_a, partner_b, django_assert_max_num_queries
):
    def seed(count):
        for person in BeneficiaryFactory.create_batch(count, organisation=partner_a):
            referral_services.referral_create(
                beneficiary=person,
                category="legal",
                consent=True,
                to_organisation=partner_b,
                acting_user=alice,
            )
            return_services.return_case_open(
                beneficiary=person,
                country="SN",
                acting_user=alice,
                opened_on=datetime.date(2024, 1, 2),
            )

    client.force_login(alice)
    seed(2)
    for name in ("assistance:referral_list", "assistance:return_list"):
        with django_assert_max_num_queries(9):
            client.get(reverse(name))
    seed(20)
    for name in ("assistance:referral_list", "assistance:return_list"):
        with django_assert_max_num_queries(9):
            assert client.get(reverse(name)).status_code == 200


def test_next_quick_entry_starts_from_the_last_one(client, alice, person, partner_a, project):
    other = BeneficiaryFactory(organisation=partner_a)
    client.force_login(alice)
    client.post(
        reverse("assistance:create", args=[person.pk]),
        {
            "a-category": "non_food",
            "a-subtype": "hygiene_kit",
            "a-delivered_on": timezone.localdate().isoformat(),
            "a-project": project.pk,
            "a-status": "delivered",
            "a-quantity": "1",
        },
    )
    form = client.get(reverse("beneficiaries:detail", args=[other.pk])).context["quick_form"]
    assert (form["category"].value(), form["subtype"].value()) == ("non_food", "hygiene_kit")
    assert ("hygiene_kit", "Kit d'hygiène") in form.fields["subtype"].choices


def test_people_ticked_in_the_list_start_a_group_session(client, alice, partner_a):
    people = BeneficiaryFactory.create_batch(2, organisation=partner_a)
    client.force_login(alice)
    listing = client.get(reverse("beneficiaries:list"))
    assert f'name="ids" value="{people[0].pk}"' in listing.text
    assert reverse("assistance:activity_create") in listing.text
    page = client.get(reverse("assistance:activity_create"), {"ids": [p.pk for p in people]})
    for person in people:
        assert f'name="participants" value="{person.pk}" checked' in page.text
