"""Answering a referral through the API obeys the same state machine as the pages: a decline
needs its reason (a clear 400 otherwise) and the sender reads it; the outcome waits for the
referral to be accepted and is recorded by the partner that accepted it."""

import pytest

pytestmark = pytest.mark.django_db


def url(referral, action=""):
    return f"/api/v1/referrals/{referral.pk}/{action + '/' if action else ''}"


def test_decline_without_a_reason_is_a_clear_400(client_for, charlie, referral_a):
    answer = client_for(charlie).post(url(referral_a, "decline"), {}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["decline_reason"]
    referral_a.refresh_from_db()
    assert referral_a.status == "pending"


def test_decline_other_without_a_note_is_a_clear_400(client_for, charlie, referral_a):
    answer = client_for(charlie).post(
        url(referral_a, "decline"), {"decline_reason": "other"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["decline_note"] == ["Précisez le motif du refus."]
    referral_a.refresh_from_db()
    assert referral_a.status == "pending"


def test_decline_with_a_reason_the_sender_reads(client_for, alice, charlie, referral_a):
    answer = client_for(charlie).post(
        url(referral_a, "decline"),
        {"decline_reason": "out_of_area", "decline_note": "Nous intervenons à Casablanca."},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    seen = client_for(alice).get(url(referral_a)).json()
    assert (seen["status"], seen["decline_reason"], seen["decline_note"]) == (
        "declined",
        "out_of_area",
        "Nous intervenons à Casablanca.",
    )


def test_outcome_waits_for_the_answer(client_for, alice, charlie, referral_a):
    early = client_for(charlie).post(
        url(referral_a, "outcome"), {"outcome": "service_received"}, format="json"
    )
    assert early.status_code == 400
    assert "outcome" in early.json()
    referral_a.refresh_from_db()
    assert referral_a.outcome == "pending"

    assert client_for(charlie).post(url(referral_a, "accept")).status_code == 200
    # The sender does not record what the receiving partner delivered.
    by_sender = client_for(alice).post(
        url(referral_a, "outcome"), {"outcome": "no_show"}, format="json"
    )
    assert by_sender.status_code == 403
    done = client_for(charlie).post(
        url(referral_a, "outcome"), {"outcome": "service_received"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["outcome"] == "service_received"


def test_no_outcome_after_a_decline(client_for, charlie, referral_a):
    client_for(charlie).post(
        url(referral_a, "decline"), {"decline_reason": "no_capacity"}, format="json"
    )
    late = client_for(charlie).post(
        url(referral_a, "outcome"), {"outcome": "service_received"}, format="json"
    )
    assert late.status_code == 400
    referral_a.refresh_from_db()
    assert referral_a.outcome == "declined"
