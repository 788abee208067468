"""An assistance the viewer may see can belong to a record the viewer may not: partner B's
group session that A's person attended, a return case of another organisation. The API gives
the id of such a record only to those who see it (null otherwise), and a person's file names
another organisation's session only as "séance de groupe"."""

import datetime

import pytest
from django.urls import reverse

from assistance.activities.services import activity_record
from assistance.referrals.services import referral_create, referral_respond
from assistance.returns.services import return_case_open
from assistance.services import assistance_record
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 6, 5)
SESSION_TITLE = "Atelier estime de soi — Casablanca"


@pytest.fixture
def shared(alice, charlie, partner_a, partner_b):
    """A's person, referred to partner B and accepted: B may now assist her."""
    person = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="A-LINK-1")
    referral = referral_create(
        beneficiary=person,
        category="psychosocial",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
        referred_on=DAY,
    )
    referral_respond(referral=referral, accept=True, acting_user=charlie)
    return person


@pytest.fixture
def b_session(shared, charlie):
    """Partner B's group session, which A's person attended: her row is B's, A sees it."""
    activity = activity_record(
        category="psychosocial",
        subtype="group_activity",
        title=SESSION_TITLE,
        participants=[shared],
        held_on=DAY,
        acting_user=charlie,
    )
    return activity, activity.assistances.get()


@pytest.fixture
def b_row_in_a_case(shared, alice, officer, partner_b):
    """A's return case; an officer records in it a row provided by partner B, who sees the
    row (its own) but not A's case."""
    case = return_case_open(beneficiary=shared, country="GN", acting_user=alice, opened_on=DAY)
    row = assistance_record(
        beneficiary=shared,
        category="avrr",
        subtype="pre_departure",
        delivered_on=DAY,
        provider=partner_b,
        return_case=case,
        acting_user=officer,
    )
    return case, row


def _rows(response) -> dict[int, dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    return {row["id"]: row for row in body.get("results", [body])}


def test_the_person_s_owner_gets_no_id_of_another_organisation_s_session(
    b_session, shared, alice, charlie, client_for
):
    activity, row = b_session
    a, b = client_for(alice), client_for(charlie)
    for url in (
        "/api/v1/assistances/",
        f"/api/v1/assistances/{row.pk}/",
        f"/api/v1/beneficiaries/{shared.pk}/assistances/",
    ):
        assert _rows(a.get(url))[row.pk]["activity"] is None, url
        assert _rows(b.get(url))[row.pk]["activity"] == activity.pk, url


def test_a_provider_gets_no_id_of_another_organisation_s_return_case(
    b_row_in_a_case, alice, charlie, officer, client_for
):
    case, row = b_row_in_a_case
    for user, expected in ((charlie, None), (alice, case.pk), (officer, case.pk)):
        client = client_for(user)
        assert _rows(client.get("/api/v1/assistances/"))[row.pk]["return_case"] == expected
        assert _rows(client.get(f"/api/v1/assistances/{row.pk}/"))[row.pk]["return_case"] == (
            expected
        )


def test_a_write_s_answer_follows_the_same_rule(b_row_in_a_case, charlie, client_for):
    _case, row = b_row_in_a_case
    answer = client_for(charlie).patch(
        f"/api/v1/assistances/{row.pk}/",
        {"notes": "Billet réservé", "version": row.version},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["return_case"] is None


def test_the_list_asks_no_query_per_row(
    b_session, shared, charlie, client_for, django_assert_max_num_queries
):
    for day in range(1, 6):
        activity_record(
            category="psychosocial",
            subtype="group_activity",
            title=f"Séance {day}",
            participants=[shared],
            held_on=DAY + datetime.timedelta(days=day),
            acting_user=charlie,
        )
    client = client_for(charlie)
    with django_assert_max_num_queries(6):
        rows = _rows(client.get("/api/v1/assistances/"))
    assert len([row for row in rows.values() if row["activity"]]) == 6


def test_the_person_s_file_names_another_organisation_s_session_neutrally(
    b_session, shared, client, alice, charlie
):
    activity, _row = b_session
    session_url = reverse("assistance:activity_detail", args=[activity.pk])
    person_url = reverse("beneficiaries:detail", args=[shared.pk])

    client.force_login(alice)
    page = client.get(person_url).text
    assert SESSION_TITLE not in page and session_url not in page
    assert "séance de groupe" in page

    client.force_login(charlie)
    page = client.get(person_url).text
    assert f'<a href="{session_url}"><bdi>{SESSION_TITLE}</bdi></a>' in page
