"""The case pages: the person's file's section, the case page and every POST on it, as the
owner's caseworker (alice), her colleague (bob), another partner (charlie), the partner the
person was referred to (carol), an IOM officer (reads, never writes a partner's case), a
donor and an anonymous visitor."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import Assistance
from cases.choices import CaseStatus, GoalStatus
from cases.models import Assessment, Case, FollowUp, Goal
from cases.services import case_close, followup_add, goal_add
from core.models import AccessEntry
from tests.cases.conftest import CASE_SECRET
from tests.cases.factories import counted_queries
from tests.html_checks import inline_code

pytestmark = pytest.mark.django_db


def _detail(case):
    return reverse("cases:detail", args=[case.pk])


# --- The person's file ------------------------------------------------------------------------


def test_the_file_lists_the_case_and_offers_no_second_one(client, alice, bob, person, case):
    for user in (alice, bob):
        client.force_login(user)
        page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
        assert page.status_code == 200
        assert f'href="{_detail(case)}"' in page.text
        assert "Partenaire A" in page.text and "Moyen" in page.text
        assert reverse("cases:open", args=[person.pk]) not in page.text


def test_open_a_case_from_the_file(client, alice, bob, person):
    client.force_login(alice)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert reverse("cases:open", args=[person.pk]) in page.text
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {"case-risk_level": "high", "case-assigned_to": bob.pk, "case-opened_on": "2024-03-01"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(case)
    assert (case.assigned_to, case.risk_level, case.opened_on) == (
        bob,
        "high",
        datetime.date(2024, 3, 1),
    )
    assert case.transitions.get().kind == "opened"


def test_opening_for_another_organisations_user_changes_nothing(client, alice, charlie, person):
    client.force_login(alice)
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {"case-risk_level": "low", "case-assigned_to": charlie.pk, "case-opened_on": "2024-03-01"},
    )
    assert response.status_code == 400
    assert 'id="id_case-assigned_to_error"' in response.text
    assert not Case.objects.exists()


def test_opening_before_the_registration_changes_nothing(client, alice, person):
    client.force_login(alice)
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {"case-risk_level": "low", "case-opened_on": "2023-12-01"},
    )
    assert response.status_code == 400
    assert "avant l&#x27;enregistrement de la personne" in response.text
    assert not Case.objects.exists()


def test_the_receiving_partner_sees_the_person_not_the_case(client, carol, person, case, referred):
    client.force_login(carol)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert page.status_code == 200
    assert _detail(case) not in page.text
    assert "Aucun dossier de suivi" in page.text
    # Their own case, in their organisation: they may open one.
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {"case-risk_level": "low", "case-assigned_to": carol.pk, "case-opened_on": "2024-03-01"},
    )
    assert response.status_code == 302
    theirs = Case.objects.get(organisation=carol.membership.organisation)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert _detail(theirs) in page.text and _detail(case) not in page.text


def test_the_officer_sees_the_partners_case_on_the_file(client, officer, person, case):
    client.force_login(officer)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk]))
    assert _detail(case) in page.text


@pytest.mark.parametrize("who", ["charlie", "donor_user"])
def test_outsiders_cannot_open_a_case(client, request, who, person):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {"case-risk_level": "low", "case-opened_on": "2024-03-01"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_anonymous_cannot_open_a_case(client, person):
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {"case-risk_level": "low", "case-opened_on": "2024-03-01"},
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Case.objects.exists()


# --- The case page ----------------------------------------------------------------------------


@pytest.fixture
def full_case(case, alice):
    goal_add(case=case, acting_user=alice, title=CASE_SECRET, services=["food"])
    followup_add(
        case=case, acting_user=alice, due_on=datetime.date(2024, 3, 1), action="Visite à domicile"
    )
    return case


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_organisations_staff_work_on_the_case(client, request, who, full_case, person):
    client.force_login(request.getfixturevalue(who))
    page = client.get(_detail(full_case))
    assert page.status_code == 200
    assert CASE_SECRET in page.text and "Visite à domicile" in page.text
    assert f'href="{reverse("beneficiaries:detail", args=[person.pk])}"' in page.text
    for name in ("assessment_add", "goal_add", "followup_add", "close", "assistance_add"):
        assert reverse(f"cases:{name}", args=[full_case.pk]) in page.text
    assert inline_code(page.text) is None
    assert AccessEntry.objects.filter(
        action="view_person", object_id=str(person.pk), details__case=full_case.pk
    ).exists()


def test_the_officer_reads_a_partners_case_without_forms(client, officer, full_case):
    client.force_login(officer)
    page = client.get(_detail(full_case))
    assert page.status_code == 200
    assert CASE_SECRET in page.text
    assert "Lecture seule" in page.text
    assert reverse("cases:close", args=[full_case.pk]) not in page.text
    assert "<form" not in page.text.split('id="main"')[1]


@pytest.mark.parametrize("who", ["charlie", "carol", "donor_user"])
def test_outsiders_get_404_on_the_case(client, request, who, full_case, referred):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_detail(full_case)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, case):
    response = client.get(_detail(case))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- Every POST, as everyone ------------------------------------------------------------------


def _goal(case):
    return Goal.objects.filter(case=case).first()


def _followup(case):
    return FollowUp.objects.filter(case=case).first()


# (URL name, its argument, the data, what the owner's POST changed)
ACTIONS = {
    "assessment": (
        "cases:assessment_add",
        lambda c: c.pk,
        {"assess-needs": ["food", "medical"], "assess-assessed_on": "2024-02-05"},
        lambda c: Assessment.objects.filter(case=c, needs=["food", "medical"]).exists(),
    ),
    "goal": (
        "cases:goal_add",
        lambda c: c.pk,
        {
            "goal-title": "Logement",
            "goal-services": ["emergency_housing"],
            "goal-target_date": "2024-06-01",
        },
        lambda c: Goal.objects.filter(
            case=c, title="Logement", services=["emergency_housing"]
        ).exists(),
    ),
    "goal status": (
        "cases:goal_status",
        lambda c: _goal(c).pk,
        lambda c: {f"goal-{_goal(c).pk}-status": "achieved"},
        lambda c: _goal(c).status == GoalStatus.ACHIEVED,
    ),
    "follow-up": (
        "cases:followup_add",
        lambda c: c.pk,
        {"followup-due_on": "2024-04-01", "followup-action": "Rappeler"},
        lambda c: FollowUp.objects.filter(case=c, action="Rappeler").exists(),
    ),
    "follow-up done": (
        "cases:followup_done",
        lambda c: _followup(c).pk,
        lambda c: {
            f"followup-{_followup(c).pk}-done_on": "2024-03-02",
            f"followup-{_followup(c).pk}-result": "Vue",
        },
        lambda c: _followup(c).done_on == datetime.date(2024, 3, 2),
    ),
    "risk": (
        "cases:risk",
        lambda c: c.pk,
        {"risk-risk_level": "critical"},
        lambda c: Case.objects.get(pk=c.pk).risk_level == "critical",
    ),
    "take": (
        "cases:take",
        lambda c: c.pk,
        {},
        None,  # alice holds it already: tested with bob below
    ),
    "close": (
        "cases:close",
        lambda c: c.pk,
        {"close-reason": "goals_met", "close-closed_on": "2024-05-01"},
        lambda c: Case.objects.get(pk=c.pk).status == CaseStatus.CLOSED,
    ),
    "assistance": (
        "cases:assistance_add",
        lambda c: c.pk,
        lambda c: {
            "a-category": "food",
            "a-subtype": "food_voucher",
            "a-delivered_on": "2024-03-01",
            "a-project": c.organisation.implemented_projects.get().pk,
            "a-status": "delivered",
            "a-quantity": "1",
            "a-goal": _goal(c).pk,
        },
        lambda c: _goal(c).assistances.exists() and _goal(c).status == GoalStatus.IN_PROGRESS,
    ),
}


def _post(client, full_case, action):
    name, arg, data, _check = ACTIONS[action]
    data = data(full_case) if callable(data) else data
    return client.post(reverse(name, args=[arg(full_case)]), data)


def _state(case):
    """Everything a POST on the case could change."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.version,
        case.assigned_to_id,
        Assessment.objects.count(),
        list(Goal.objects.values_list("title", "status", "version")),
        list(FollowUp.objects.values_list("action", "done_on", "version")),
        Assistance.objects.count(),
    )


@pytest.mark.parametrize("action", [a for a in ACTIONS if ACTIONS[a][3]])
def test_the_owners_caseworker_writes(client, alice, full_case, action):
    client.force_login(alice)
    response = _post(client, full_case, action)
    assert response.status_code == 302
    assert response["Location"].startswith(_detail(full_case))
    assert ACTIONS[action][3](full_case)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", ["charlie", "carol", "donor_user", "officer"])
def test_no_one_else_writes(client, request, who, full_case, referred, action):
    before = _state(full_case)
    client.force_login(request.getfixturevalue(who))
    assert _post(client, full_case, action).status_code == 404
    assert _state(full_case) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_anonymous_writes_nothing(client, full_case, action):
    before = _state(full_case)
    response = _post(client, full_case, action)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert _state(full_case) == before


def test_a_colleague_takes_the_case(client, bob, case):
    client.force_login(bob)
    page = client.get(_detail(case))
    assert reverse("cases:take", args=[case.pk]) in page.text
    assert client.post(reverse("cases:take", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == bob


def test_a_get_on_an_action_goes_back_to_the_case(client, alice, case):
    client.force_login(alice)
    response = client.get(reverse("cases:close", args=[case.pk]))
    assert response.status_code == 302 and response["Location"].startswith(_detail(case))
    assert Case.objects.get(pk=case.pk).is_open


# --- Bad input: a clear error in place, nothing changed -------------------------------------


def _refused(client, case, action_url, data, *, error):
    before = _state(case)
    response = client.post(action_url, data)
    assert response.status_code == 400
    assert error in response.text, response.text[:3000]
    assert _state(case) == before
    return response


def test_a_follow_up_due_before_the_opening_is_refused(client, alice, full_case):
    client.force_login(alice)
    _refused(
        client,
        full_case,
        reverse("cases:followup_add", args=[full_case.pk]),
        {"followup-due_on": "2024-01-15", "followup-action": "Trop tôt"},
        error="Un suivi ne peut pas être dû avant l&#x27;ouverture du dossier.",
    )


def test_a_follow_up_for_another_organisations_user_is_refused(client, alice, charlie, full_case):
    client.force_login(alice)
    response = _refused(
        client,
        full_case,
        reverse("cases:followup_add", args=[full_case.pk]),
        {"followup-due_on": "2024-04-01", "followup-action": "X", "followup-assignee": charlie.pk},
        error='id="id_followup-assignee_error"',
    )
    # The rest of what was typed stays in the form.
    assert 'value="2024-04-01"' in response.text


def test_closing_without_a_reason_is_refused(client, alice, case):
    client.force_login(alice)
    _refused(
        client,
        case,
        reverse("cases:close", args=[case.pk]),
        {"close-reason": "", "close-closed_on": "2024-05-01"},
        error="Indiquez le motif de clôture.",
    )
    assert Case.objects.get(pk=case.pk).is_open


def test_closing_for_another_reason_needs_a_note(client, alice, case):
    client.force_login(alice)
    _refused(
        client,
        case,
        reverse("cases:close", args=[case.pk]),
        {"close-reason": "other", "close-closed_on": "2024-05-01", "close-closure_note": "  "},
        error="Précisez le motif de clôture « Autre ».",
    )
    assert Case.objects.get(pk=case.pk).is_open


def test_closing_before_the_opening_is_refused(client, alice, case):
    client.force_login(alice)
    _refused(
        client,
        case,
        reverse("cases:close", args=[case.pk]),
        {"close-reason": "moved_away", "close-closed_on": "2024-01-20"},
        error="clôturé avant son ouverture",
    )


def test_an_assessment_in_the_future_is_refused(client, alice, case):
    client.force_login(alice)
    _refused(
        client,
        case,
        reverse("cases:assessment_add", args=[case.pk]),
        {"assess-needs": ["food"], "assess-assessed_on": "2099-01-01"},
        error="L&#x27;évaluation doit dater",
    )


def test_an_assistance_outside_the_goals_services_records_nothing(client, alice, full_case):
    """Recording and linking are one step: the link refused, the assistance is not kept."""
    client.force_login(alice)
    goal = _goal(full_case)
    _refused(
        client,
        full_case,
        reverse("cases:assistance_add", args=[full_case.pk]),
        {
            "a-category": "medical",
            "a-subtype": "consultation",
            "a-delivered_on": "2024-03-01",
            "a-project": full_case.organisation.implemented_projects.get().pk,
            "a-status": "delivered",
            "a-quantity": "1",
            "a-goal": goal.pk,
        },
        error="ne fait pas partie des services prévus",
    )
    assert not Assistance.objects.exists()


def test_an_assistance_without_a_goal_is_recorded_for_the_person(client, alice, case, person):
    client.force_login(alice)
    response = client.post(
        reverse("cases:assistance_add", args=[case.pk]),
        {
            "a-category": "medical",
            "a-subtype": "consultation",
            "a-delivered_on": "2024-03-01",
            "a-project": case.organisation.implemented_projects.get().pk,
            "a-status": "delivered",
            "a-quantity": "1",
        },
    )
    assert response.status_code == 302
    assert Assistance.objects.get().beneficiary == person


def test_only_open_goals_are_offered_to_an_assistance(client, alice, full_case):
    client.force_login(alice)
    dropped = goal_add(case=full_case, acting_user=alice, title="Abandonné", status="dropped")
    page = client.get(_detail(full_case))
    form = page.context["assistance_form"]
    offered = {goal.pk for goal in form.fields["goal"].queryset}
    assert _goal(full_case).pk in offered and dropped.pk not in offered


def test_reopen_needs_a_reason_then_reopens(client, alice, case):
    case_close(
        case=case, reason="lost_contact", acting_user=alice, closed_on=datetime.date(2024, 5, 1)
    )
    client.force_login(alice)
    page = client.get(_detail(case))
    assert reverse("cases:reopen", args=[case.pk]) in page.text
    assert reverse("cases:followup_add", args=[case.pk]) not in page.text
    _refused(
        client,
        case,
        reverse("cases:reopen", args=[case.pk]),
        {"reopen-reason": "", "reopen-reopened_on": "2024-06-01"},
        error="Indiquez le motif de la réouverture.",
    )
    response = client.post(
        reverse("cases:reopen", args=[case.pk]),
        {"reopen-reason": "Revenue à Oujda", "reopen-reopened_on": "2024-06-01"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_open
    page = client.get(_detail(case))
    assert "Revenue à Oujda" in page.text and "Réouverture" in page.text


def test_a_follow_up_done_before_the_opening_is_refused(client, alice, full_case):
    client.force_login(alice)
    followup = _followup(full_case)
    response = _refused(
        client,
        full_case,
        reverse("cases:followup_done", args=[followup.pk]),
        {f"followup-{followup.pk}-done_on": "2024-01-01"},
        error="La date doit être entre l&#x27;ouverture du dossier et aujourd&#x27;hui.",
    )
    assert f'id="id_followup-{followup.pk}-done_on_error"' in response.text


def test_the_timeline_shows_what_happened(client, alice, full_case):
    client.force_login(alice)
    _post(client, full_case, "assessment")
    _post(client, full_case, "assistance")
    _post(client, full_case, "follow-up done")
    page = client.get(_detail(full_case))
    timeline = page.text.split('id="timeline"')[1]
    for text in (
        "Ouverture du dossier",
        "Évaluation",
        "Objectif ajouté",
        "Suivi fait",
        "Bon alimentaire",
    ):
        assert text in timeline, text


def test_the_case_page_makes_as_many_queries_for_a_long_case(client, alice, full_case):
    def add(n):
        for i in range(n):
            goal = goal_add(case=full_case, acting_user=alice, title=f"But {i}", services=["food"])
            followup_add(
                case=full_case, acting_user=alice, due_on=datetime.date(2024, 4, 1), action="Appel"
            )
            client.post(
                reverse("cases:assistance_add", args=[full_case.pk]),
                {
                    "a-category": "food",
                    "a-subtype": "meal",
                    "a-delivered_on": "2024-03-01",
                    "a-project": full_case.organisation.implemented_projects.get().pk,
                    "a-status": "delivered",
                    "a-quantity": "1",
                    "a-goal": goal.pk,
                },
            )

    client.force_login(alice)
    add(1)
    client.get(_detail(full_case))
    with counted_queries() as few:
        client.get(_detail(full_case))
    add(10)
    with counted_queries() as many:
        page = client.get(_detail(full_case))
    assert page.text.count("Repas") >= 11
    assert len(many) <= len(few) <= 25, (len(few), len(many))


def test_no_assistance_is_recorded_from_a_closed_case(client, alice, case):
    case_close(case=case, reason="moved_away", acting_user=alice)
    client.force_login(alice)
    assert reverse("cases:assistance_add", args=[case.pk]) not in client.get(_detail(case)).text
    _refused(
        client,
        case,
        reverse("cases:assistance_add", args=[case.pk]),
        {
            "a-category": "medical",
            "a-subtype": "consultation",
            "a-delivered_on": "2024-03-01",
            "a-project": case.organisation.implemented_projects.get().pk,
            "a-status": "delivered",
            "a-quantity": "1",
        },
        error="Ce dossier est clôturé : rouvrez-le d&#x27;abord.",
    )
