"""Transfers (DESIGN.md section 7): a manager gives one case, or every open case of a member
who leaves, to another case holder of the organisation, after a confirmation that says how
many cases and follow-ups move; one audited step; nobody else reaches the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from beneficiaries.services import beneficiary_register
from cases.models import Case, FollowUp
from cases.services import case_close, case_open, followup_add
from core import clock
from core.models import AuditEntry
from partners.choices import Role
from partners.models import Membership
from tests.partners.factories import member


def register(user, ref):
    return beneficiary_register(
        acting_user=user,
        beneficiary_ref=ref,
        first_name="Awa",
        last_name="Diallo",
        sex="F",
        registered_on=datetime.date(2024, 1, 1),
        consent=True,
    )


@pytest.fixture
def case(alice):
    return case_open(beneficiary=register(alice, "A-1"), acting_user=alice)


@pytest.fixture
def alices_work(alice, case):
    """alice holds two open cases (three follow-ups pending, two of them hers) and a closed one."""
    second = case_open(beneficiary=register(alice, "A-2"), acting_user=alice)
    closed = case_open(beneficiary=register(alice, "A-3"), acting_user=alice)
    case_close(case=closed, reason="goals_met", acting_user=alice)
    today = clock.today()
    followup_add(case=case, due_on=today, action="Appeler", acting_user=alice)
    followup_add(case=second, due_on=today, action="Visite", acting_user=alice)
    return {"cases": [case, second], "closed": closed}


@pytest.fixture
def manager_b(partner_b):
    return member(partner_b, Role.PARTNER_MANAGER, username="manager-b")


def transfer_url(case):
    return reverse("case_files:case_transfer", args=[case.pk])


ALL_URL = "/dossiers/transferer/"


def test_the_transfer_all_route_is_where_the_members_page_links(client):
    assert reverse("case_files:transfer_all") == ALL_URL


# --- One case --------------------------------------------------------------------------------


def test_a_manager_chooses_among_the_organisations_active_case_holders(
    client, manager_a, case, bob, charlie, partner_a
):
    gone = member(partner_a, Role.CASEWORKER, username="gone")
    Membership.objects.filter(user=gone).update(is_active=False)
    client.force_login(manager_a)
    response = client.get(transfer_url(case))
    assert response.status_code == 200
    choices = {u.username for u in response.context["form"].fields["to_user"].queryset}
    assert choices == {"bob", "manager-a"}  # not alice (she holds it), charlie, nor gone


def test_a_manager_transfers_a_case_after_a_confirmation(client, manager_a, case, alice, bob):
    followup = followup_add(case=case, due_on=clock.today(), action="Appeler", acting_user=alice)
    client.force_login(manager_a)
    response = client.post(transfer_url(case), {"to_user": bob.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="transfer-confirm"' in body
    assert "Le dossier et 1 suivi en attente passent" in body
    case.refresh_from_db()
    assert case.assigned_to == alice  # nothing moved yet

    response = client.post(transfer_url(case), {"to_user": bob.pk, "confirm": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    followup.refresh_from_db()
    assert case.assigned_to == bob
    assert followup.assignee == bob
    entry = AuditEntry.objects.filter(model="cases.case", object_id=str(case.pk)).latest("pk")
    assert entry.actor == manager_a
    assert entry.changes["assigned_to"] == [alice.pk, bob.pk]
    assert entry.changes["transfer"] == {"followups": 1, "batch": 1}


def test_a_case_is_never_given_to_another_organisation(client, manager_a, case, alice, charlie):
    client.force_login(manager_a)
    response = client.post(transfer_url(case), {"to_user": charlie.pk, "confirm": "1"})
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == alice


@pytest.mark.parametrize(
    "outsider", ["alice", "bob", "charlie", "manager_b", "donor_user", "officer"]
)
def test_only_the_organisations_managers_transfer_its_cases(
    client, case, alice, bob, outsider, request
):
    """Caseworkers (the holder included), another partner's manager, a donor, an IOM officer
    (a partner's case): 404 to look, 404 to post, nothing moves."""
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(transfer_url(case)).status_code == 404
    response = client.post(transfer_url(case), {"to_user": bob.pk, "confirm": "1"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.assigned_to == alice


def test_an_anonymous_visitor_is_sent_to_sign_in(client, case, bob):
    for response in (
        client.get(transfer_url(case)),
        client.post(transfer_url(case), {"to_user": bob.pk, "confirm": "1"}),
        client.get(ALL_URL),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_iom_officer_transfers_ioms_own_cases(client, officer, iom):
    colleague = member(iom, Role.IOM_OFFICER, username="officer-2")
    own = case_open(beneficiary=register(officer, "IOM-1"), acting_user=officer)
    client.force_login(officer)
    response = client.post(transfer_url(own), {"to_user": colleague.pk, "confirm": "1"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.assigned_to == colleague


# --- Every case of a member who leaves ---------------------------------------------------------


def test_the_leaving_member_is_chosen_from_the_link_of_the_members_page(
    client, manager_a, alice, alices_work
):
    client.force_login(manager_a)
    response = client.get(ALL_URL, {"from": alice.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["from_user"].value() == alice.pk
    assert "alice — 2 dossiers ouverts" in response.content.decode()


def test_a_manager_transfers_every_open_case_of_a_leaving_member(
    client, manager_a, alice, bob, alices_work
):
    client.force_login(manager_a)
    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": bob.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="transfer-confirm"' in body
    assert "2 dossiers ouverts · 2 suivis en attente" in body
    assert not Case.objects.filter(assigned_to=bob).exists()

    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": bob.pk, "confirm": "1"})
    assert response.status_code == 302
    moved = {c.pk for c in alices_work["cases"]}
    assert set(Case.objects.filter(assigned_to=bob).values_list("pk", flat=True)) == moved
    assert FollowUp.objects.filter(assignee=bob).count() == 2
    assert not FollowUp.objects.filter(assignee=alice).exists()
    # The closed case stays where it was: it is history.
    alices_work["closed"].refresh_from_db()
    assert alices_work["closed"].assigned_to == alice
    transfers = AuditEntry.objects.filter(model="cases.case", changes__has_key="transfer")
    assert transfers.count() == 2
    assert {e.actor_id for e in transfers} == {manager_a.pk}
    message = list(client.get(response["Location"]).context["messages"])
    assert "2 dossiers de alice confiés à bob." in [str(m) for m in message]


def test_a_member_whose_access_was_withdrawn_still_has_cases_to_transfer(
    client, manager_a, alice, bob, alices_work
):
    Membership.objects.filter(user=alice).update(is_active=False)
    client.force_login(manager_a)
    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": bob.pk, "confirm": "1"})
    assert response.status_code == 302
    assert Case.objects.filter(assigned_to=bob).count() == 2


def test_nobody_is_given_their_own_cases(client, manager_a, alice, alices_work):
    client.force_login(manager_a)
    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": alice.pk, "confirm": "1"})
    assert response.status_code == 400
    assert "une autre personne que celle qui part" in response.content.decode()


def test_a_manager_never_reaches_another_organisations_members(
    client, manager_b, alice, charlie, alices_work
):
    client.force_login(manager_b)
    response = client.get(ALL_URL)
    assert response.status_code == 200
    assert "alice" not in {
        u.username for u in response.context["form"].fields["from_user"].queryset
    }
    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": charlie.pk, "confirm": "1"})
    assert response.status_code == 400
    assert Case.objects.filter(assigned_to=alice).count() == 3


def test_a_case_is_never_given_to_another_organisations_member(
    client, manager_a, alice, charlie, alices_work
):
    client.force_login(manager_a)
    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": charlie.pk, "confirm": "1"})
    assert response.status_code == 400
    assert not Case.objects.filter(assigned_to=charlie).exists()


@pytest.mark.parametrize("outsider", ["alice", "charlie", "donor_user"])
def test_the_page_is_for_managers_only(client, outsider, request, alices_work, bob, alice):
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(ALL_URL).status_code == 404
    response = client.post(ALL_URL, {"from_user": alice.pk, "to_user": bob.pk, "confirm": "1"})
    assert response.status_code == 404
    assert Case.objects.filter(assigned_to=alice).count() == 3


# --- The members page: withdrawing a member's access says what they leave open ---------------


def test_withdrawing_a_members_access_lists_their_cases_with_the_transfer_link(
    client, manager_a, alice, alices_work
):
    client.force_login(manager_a)
    url = reverse("partners:member_deactivate", args=[alice.membership.pk])
    body = client.get(url).content.decode()
    assert "2 dossiers ouverts · 2 suivis en attente" in body
    assert f'href="{ALL_URL}?from={alice.pk}"' in body


def test_an_officer_is_told_of_a_partners_open_cases_but_not_offered_their_transfer(
    client, officer, alice, alices_work
):
    client.force_login(officer)
    url = reverse("partners:member_deactivate", args=[alice.membership.pk])
    body = client.get(url).content.decode()
    assert "2 dossiers ouverts" in body
    assert f"{ALL_URL}?from=" not in body


def test_a_member_without_open_cases_leaves_nothing_to_transfer(client, manager_a, bob, case):
    client.force_login(manager_a)
    body = client.get(reverse("partners:member_deactivate", args=[bob.membership.pk])).content
    assert ALL_URL.encode() not in body
