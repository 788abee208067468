""" "Mon travail", the home page's part of it, and the list of cases: who sees which cases,
the filters, and a bounded number of queries however many cases there are."""

import datetime

import pytest
from django.urls import reverse

from cases.services import case_close, followup_add
from core import clock
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.cases.factories import CaseFactory, FollowUpFactory, counted_queries
from tests.html_checks import inline_code

pytestmark = pytest.mark.django_db


def _named(organisation, last_name):
    return BeneficiaryFactory(organisation=organisation, last_name=last_name, first_name="Awa")


@pytest.fixture
def workload(alice, bob, partner_a, partner_b, charlie):
    """alice's cases with follow-ups overdue, due today and in three days; bob's case and
    its follow-up; a case of partner B (charlie's)."""
    today = clock.today()
    late = CaseFactory(
        beneficiary=_named(partner_a, "Retard"), assigned_to=alice, risk_level="high"
    )
    FollowUpFactory(case=late, due_on=today - datetime.timedelta(days=2), action="Appel manqué")
    now = CaseFactory(beneficiary=_named(partner_a, "Aujourdhui"), assigned_to=alice)
    FollowUpFactory(case=now, due_on=today, action="Accompagner à l'hôpital")
    soon = CaseFactory(beneficiary=_named(partner_a, "Bientot"), assigned_to=alice)
    FollowUpFactory(case=soon, due_on=today + datetime.timedelta(days=3), action="Visite")
    FollowUpFactory(case=soon, due_on=today + datetime.timedelta(days=30), action="Plus tard")
    bobs = CaseFactory(beneficiary=_named(partner_a, "Debob"), assigned_to=bob)
    FollowUpFactory(case=bobs, due_on=today, action="Tâche de Bob")
    theirs = CaseFactory(beneficiary=_named(partner_b, "Dailleurs"), assigned_to=charlie)
    return {"late": late, "now": now, "soon": soon, "bobs": bobs, "theirs": theirs}


def _section(text, anchor):
    return text.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_my_work_sorts_my_follow_ups_by_when_they_are_due(client, alice, workload):
    client.force_login(alice)
    page = client.get(reverse("cases:my_work"))
    assert page.status_code == 200
    assert inline_code(page.text) is None
    overdue, today, week = (
        _section(page.text, a) for a in ("overdue-title", "due-today-title", "due-week-title")
    )
    assert "Appel manqué" in overdue and "RETARD" in overdue
    assert "Accompagner à l" in today and "Appel manqué" not in today
    assert "Visite" in week and "Plus tard" not in week
    # One click to the person, and to the case.
    person = workload["late"].beneficiary
    assert f'href="{reverse("beneficiaries:detail", args=[person.pk])}"' in overdue
    cases = _section(page.text, "my-cases-title")
    for key in ("late", "now", "soon"):
        assert reverse("cases:detail", args=[workload[key].pk]) in cases
    assert "Tâche de Bob" not in page.text and "DEBOB" not in page.text
    assert "DAILLEURS" not in page.text
    # The most at risk first.
    assert cases.index("RETARD") < cases.index("AUJOURDHUI")


def test_a_closed_case_leaves_my_work(client, alice, workload):
    case_close(case=workload["late"], reason="moved_away", acting_user=alice)
    client.force_login(alice)
    page = client.get(reverse("cases:my_work"))
    assert "RETARD" not in page.text and "Appel manqué" not in page.text


def test_a_follow_up_added_today_shows_on_my_work(client, alice, case):
    followup_add(case=case, acting_user=alice, due_on=clock.today(), action="Rendez-vous CAF")
    client.force_login(alice)
    page = client.get(reverse("cases:my_work"))
    assert "Rendez-vous CAF" in _section(page.text, "due-today-title")


@pytest.mark.parametrize("who", ["donor_user"])
def test_my_work_is_not_for_donors(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("cases:my_work")).status_code == 404


def test_my_work_needs_signing_in(client):
    response = client.get(reverse("cases:my_work"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_work_makes_as_many_queries_for_many_cases(client, alice, partner_a):
    def add(n):
        for _i in range(n):
            case = CaseFactory(beneficiary=_named(partner_a, "Lot"), assigned_to=alice)
            FollowUpFactory(case=case, due_on=clock.today())

    add(2)
    client.force_login(alice)
    client.get(reverse("cases:my_work"))
    with counted_queries() as few:
        client.get(reverse("cases:my_work"))
    add(20)
    with counted_queries() as many:
        page = client.get(reverse("cases:my_work"))
    assert page.text.count("LOT") >= 22
    assert len(many) <= len(few) <= 12, (len(few), len(many))


def test_the_home_page_shows_my_work(client, alice, workload):
    client.force_login(alice)
    page = client.get(reverse("home"))
    summary = page.text.split('id="home-my-work"')[1].split("</section>")[0]
    assert reverse("cases:my_work") in summary
    assert "Appel manqué" in summary and "Accompagner à l" in summary
    # And the menu leads to it from every page; it leads on to the list of cases.
    nav = page.text.split('class="mainnav"')[1].split("</nav>")[0]
    assert reverse("cases:my_work") in nav
    assert reverse("cases:list") in client.get(reverse("cases:my_work")).text


def test_the_donors_home_page_has_no_case_work(client, donor_user):
    client.force_login(donor_user)
    page = client.get(reverse("home"))
    assert "home-my-work" not in page.text
    assert reverse("cases:my_work") not in page.text


# --- The list of cases ------------------------------------------------------------------------


def _listed(client, **query):
    page = client.get(reverse("cases:list"), query)
    assert page.status_code == 200
    return page


def test_partner_staff_list_their_organisations_cases(client, alice, charlie, workload):
    client.force_login(alice)
    page = _listed(client)
    assert inline_code(page.text) is None
    for key in ("late", "now", "soon", "bobs"):
        assert reverse("cases:detail", args=[workload[key].pk]) in page.text
    assert reverse("cases:detail", args=[workload["theirs"].pk]) not in page.text
    client.force_login(charlie)
    page = _listed(client)
    assert reverse("cases:detail", args=[workload["theirs"].pk]) in page.text
    assert reverse("cases:detail", args=[workload["late"].pk]) not in page.text


def test_officers_list_every_case(client, officer, workload):
    client.force_login(officer)
    page = _listed(client)
    for case in workload.values():
        assert reverse("cases:detail", args=[case.pk]) in page.text
    assert "Partenaire B" in page.text


def test_the_list_filters(client, alice, bob, workload):
    client.force_login(alice)

    def shown(**query):
        text = _listed(client, **query).text
        return {k for k, c in workload.items() if reverse("cases:detail", args=[c.pk]) in text}

    assert shown(assigned_to=bob.pk) == {"bobs"}
    assert shown(risk_level="high") == {"late"}
    assert shown(overdue="true") == {"late"}
    assert shown(overdue="false") == {"now", "soon", "bobs"}
    case_close(case=workload["soon"], reason="goals_met", acting_user=alice)
    assert shown(status="closed") == {"soon"}
    assert shown(status="open", assigned_to=alice.pk) == {"late", "now"}


@pytest.mark.parametrize("who", ["donor_user"])
def test_the_list_is_not_for_donors(client, request, who, workload):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("cases:list")).status_code == 404


def test_the_list_makes_as_many_queries_for_many_cases(client, officer, alice, partner_a):
    def add(n):
        for _i in range(n):
            case = CaseFactory(beneficiary=_named(partner_a, "Lot"), assigned_to=alice)
            FollowUpFactory(case=case, due_on=clock.today())

    add(2)
    for user in (alice, officer):
        client.force_login(user)
        client.get(reverse("cases:list"))
        with counted_queries() as few:
            client.get(reverse("cases:list"))
        add(20)
        with counted_queries() as many:
            page = client.get(reverse("cases:list"))
        assert page.text.count("LOT") >= 22
        assert len(many) <= len(few) <= 10, (user, len(few), len(many))


def test_the_officers_home_page_leads_to_the_cases(client, officer):
    client.force_login(officer)
    page = client.get(reverse("home"))
    assert f'id="home-cases" href="{reverse("cases:list")}"' in page.text


def test_a_withdrawn_sharing_hides_the_person_in_the_receiving_partners_case(
    client, alice, carol, person, referred
):
    """carol's own case on a person referred to C stays C's; once the person withdraws their
    sharing with C, C's pages about that case no longer name them."""
    from beneficiaries.consents.services import consent_withdraw
    from cases.services import case_open

    theirs = case_open(beneficiary=person, acting_user=carol, opened_on=datetime.date(2024, 3, 1))
    followup_add(case=theirs, acting_user=carol, due_on=clock.today(), action="Appel de C")
    shared = person.consents.get(purpose="referral", recipient=carol.membership.organisation)
    consent_withdraw(consent=shared, on=clock.today(), acting_user=alice)
    client.force_login(carol)
    for url in (
        reverse("cases:list"),
        reverse("cases:my_work"),
        reverse("cases:detail", args=[theirs.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "identité retirée" in page.text, url
        assert "Mariam" not in page.text and "KOUYATÉ" not in page.text, url
    client.force_login(alice)
    assert "identité retirée" not in client.get(reverse("cases:list")).text
