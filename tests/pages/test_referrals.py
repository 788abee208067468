"""The referral pages as caseworkers expect them: the inbox's "Reçus" and "Envoyés" tabs
(received and pending first, with counts), declining with a reason and a confirmation step
(the sender reads the reason), and the outcome form only once a referral is accepted."""

import datetime
import re

import pytest
from django.urls import reverse

from assistance.models import Referral
from assistance.referrals import services as referral_services
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 4)


def refer(sender, person, to, **kwargs) -> Referral:
    fields = {"category": "psychosocial", "consent": True, "referred_on": DAY, **kwargs}
    return referral_services.referral_create(
        beneficiary=person, to_organisation=to, acting_user=sender, **fields
    )


@pytest.fixture
def awa(partner_a):
    return BeneficiaryFactory(organisation=partner_a, first_name="Awa", last_name="Sow")


@pytest.fixture
def referral(alice, awa, partner_b) -> Referral:
    return refer(alice, awa, partner_b)


def detail(client, referral):
    return client.get(reverse("assistance:referral_detail", args=[referral.pk]))


def tab_counts(page) -> dict[str, str]:
    return dict(re.findall(r'id="tab-(\w+)"[^>]*>[^<]*<span class="count">\((\d+)\)', page.text))


# --- The outcome, once accepted -------------------------------------------------------------


def test_no_outcome_form_while_the_partner_has_not_answered(client, referral, alice, charlie):
    for user in (alice, charlie):
        client.force_login(user)
        page = detail(client, referral)
        assert (
            'action="{}"'.format(reverse("assistance:referral_outcome", args=[referral.pk]))
            not in page.text
        )
        assert "Issue du référencement" not in page.text
    # The sender is told why.
    client.force_login(alice)
    assert "En attente de la réponse de <bdi>Partenaire B</bdi>" in detail(client, referral).text


def test_an_outcome_posted_before_acceptance_is_refused(client, referral, charlie):
    client.force_login(charlie)
    response = client.post(
        reverse("assistance:referral_outcome", args=[referral.pk]),
        {"outcome": "service_received", "outcome_on": DAY.isoformat()},
        follow=True,
    )
    referral.refresh_from_db()
    assert referral.outcome == "pending"
    assert "une fois le référencement accepté" in response.text


def test_the_outcome_form_appears_for_the_partner_that_accepted(client, referral, alice, charlie):
    client.force_login(charlie)
    client.post(reverse("assistance:referral_respond", args=[referral.pk]), {"answer": "accept"})
    assert "Issue du référencement" in detail(client, referral).text
    client.post(
        reverse("assistance:referral_outcome", args=[referral.pk]),
        {"outcome": "service_received", "outcome_on": DAY.isoformat()},
    )
    referral.refresh_from_db()
    assert referral.outcome == "service_received"
    # The sender reads it, without a form to overwrite it.
    client.force_login(alice)
    page = detail(client, referral)
    assert "Service reçu" in page.text
    assert "Issue du référencement" not in page.text


def test_the_sender_records_the_outcome_of_a_referral_to_a_structure(client, alice, awa):
    public = referral_services.referral_create(
        beneficiary=awa,
        category="medical",
        consent=True,
        to_structure="CHU Mohammed VI",
        acting_user=alice,
        referred_on=DAY,
    )
    client.force_login(alice)
    assert "Issue du référencement" in detail(client, public).text


# --- Declining, with a reason and a confirmation step ----------------------------------------


def test_declining_asks_a_reason_then_a_confirmation(client, referral, alice, charlie):
    client.force_login(charlie)
    page = detail(client, referral)
    decline_url = reverse("assistance:referral_decline", args=[referral.pk])
    assert f'href="{decline_url}"' in page.text

    # The old one-click answer no longer declines: it leads to the form.
    shortcut = client.post(
        reverse("assistance:referral_respond", args=[referral.pk]), {"answer": "decline"}
    )
    assert shortcut.url == decline_url
    referral.refresh_from_db()
    assert referral.status == "pending"

    no_reason = client.post(decline_url, {})
    assert no_reason.status_code == 400
    assert 'id="id_decline_reason_error"' in no_reason.text
    vague = client.post(decline_url, {"decline_reason": "other", "decline_note": " "})
    assert vague.status_code == 400
    assert "Précisez le motif du refus." in vague.text

    step = client.post(decline_url, {"decline_reason": "no_capacity", "decline_note": "Complet"})
    assert step.status_code == 200
    assert "Confirmez-vous le refus ?" in step.text
    assert "Capacité atteinte (plus de place)" in step.text
    referral.refresh_from_db()
    assert referral.status == "pending", "nothing is declined before the confirmation"

    back = client.post(
        decline_url, {"decline_reason": "no_capacity", "decline_note": "Complet", "edit": "1"}
    )
    assert 'id="decline-form"' in back.text
    assert "Confirmez-vous le refus ?" not in back.text

    done = client.post(
        decline_url, {"decline_reason": "no_capacity", "decline_note": "Complet", "confirm": "1"}
    )
    assert done.url == reverse("assistance:referral_detail", args=[referral.pk])
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason, referral.decline_note) == (
        "declined",
        "no_capacity",
        "Complet",
    )
    # Once answered, the decline page sends back to the referral.
    assert client.get(decline_url).status_code == 302

    # The sender reads the reason on the referral and in its "Envoyés" tab.
    client.force_login(alice)
    page = detail(client, referral)
    assert re.search(
        r'id="decline-reason">Capacité atteinte \(plus de place\)<br><bdi>Complet', page.text
    )
    sent = client.get(reverse("assistance:referral_list"), {"direction": "sent"})
    assert "Capacité atteinte (plus de place) — <bdi>Complet</bdi>" in sent.text


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("charlie", "form"),  # the receiving partner
        ("alice", "back"),  # the sender: sent back to the referral, which it sees
        ("bob", "back"),  # the sender's colleague, the same
        ("carol", 404),  # another partner: the referral is not in its scope
        ("donor_user", 404),
        ("anonymous", "sign_in"),
    ],
)
def test_only_the_receiving_partner_reaches_the_decline_page(
    request, client, referral, who, expected
):
    if who == "carol":
        from partners.choices import Role
        from tests.partners.factories import OrganisationFactory, member

        user = member(OrganisationFactory(slug="partner-c"), Role.CASEWORKER, username="carol")
    else:
        user = None if who == "anonymous" else request.getfixturevalue(who)
    if user is not None:
        client.force_login(user)
    decline_url = reverse("assistance:referral_decline", args=[referral.pk])
    detail_url = reverse("assistance:referral_detail", args=[referral.pk])
    decline = {"decline_reason": "no_capacity", "decline_note": "Complet", "confirm": "1"}

    page, post = client.get(decline_url), client.post(decline_url, decline)

    if expected == "form":
        assert page.status_code == 200
        assert 'id="decline-form"' in page.text and 'name="decline_reason"' in page.text
        assert post.status_code == 302 and post.url == detail_url
    elif expected == "back":
        for answer in (page, post):
            assert answer.status_code == 302 and answer.url == detail_url
    elif expected == 404:
        assert (page.status_code, post.status_code) == (404, 404)
    else:
        login = reverse("login")
        assert page.url.startswith(login) and post.url.startswith(login)
    referral.refresh_from_db()
    assert referral.status == ("declined" if expected == "form" else "pending")


# --- The inbox: "Reçus" and "Envoyés" ---------------------------------------------------------


@pytest.fixture
def inbox(alice, charlie, partner_a, partner_b, awa):
    """Partner B has received three referrals from A (one answered) and sent one to A."""
    received = [
        refer(alice, BeneficiaryFactory(organisation=partner_a, last_name=name), partner_b)
        for name in ("Ancien", "Nouveau", "Accepte")
    ]
    referral_services.referral_respond(referral=received[2], accept=True, acting_user=charlie)
    Referral.objects.filter(pk=received[0].pk).update(referred_on=DAY - datetime.timedelta(days=30))
    Referral.objects.filter(pk=received[2].pk).update(referred_on=DAY + datetime.timedelta(days=5))
    sent = refer(
        charlie, BeneficiaryFactory(organisation=partner_b, last_name="Envoyee"), partner_a
    )
    return {"received": received, "sent": sent}


def names_in_order(page) -> list[str]:
    return re.findall(r"<bdi>([A-Z]+) ", page.text.split('id="referrals"')[1])


def test_received_tab_first_pending_first_with_counts(client, charlie, inbox):
    client.force_login(charlie)
    page = client.get(reverse("assistance:referral_list"))
    assert 'id="tab-received" href="?direction=received" aria-current="page"' in page.text
    assert tab_counts(page) == {"received": "3", "sent": "1"}
    assert "2 en attente" in page.text
    # Pending ones first (newest first among them), then the answered one.
    assert names_in_order(page) == ["NOUVEAU", "ANCIEN", "ACCEPTE"]
    assert "ENVOYEE" not in page.text


def test_sent_tab_shows_only_what_the_organisation_sent(client, charlie, inbox):
    client.force_login(charlie)
    page = client.get(reverse("assistance:referral_list"), {"direction": "sent"})
    assert 'id="tab-sent" href="?direction=sent" aria-current="page"' in page.text
    assert names_in_order(page) == ["ENVOYEE"]


def test_tab_counts_follow_the_filters(client, charlie, inbox):
    client.force_login(charlie)
    page = client.get(reverse("assistance:referral_list"), {"status": "accepted"})
    assert tab_counts(page) == {"received": "1", "sent": "0"}
    assert names_in_order(page) == ["ACCEPTE"]
    # Switching tab keeps the filters.
    assert 'href="?status=accepted&amp;direction=sent"' in page.text


def test_iom_also_has_every_referral_in_one_tab(client, officer, inbox):
    client.force_login(officer)
    page = client.get(reverse("assistance:referral_list"))
    assert tab_counts(page) == {"received": "0", "sent": "0", "all": "4"}
    assert 'id="tab-all" href="?direction=all" aria-current="page"' in page.text


def test_home_button_opens_the_received_tab(client, charlie, inbox):
    client.force_login(charlie)
    home = client.get(reverse("home"))
    link = re.search(r'<a class="button secondary" id="home-received" href="([^"]+)">', home.text)
    assert link and "Référencements reçus" in home.text
    page = client.get(link.group(1).replace("&amp;", "&"))
    assert 'id="tab-received"' in page.text
    assert re.search(r'id="tab-received"[^>]*aria-current="page"', page.text)


def test_inbox_queries_stay_bounded(
    client, charlie, inbox, partner_a, alice, partner_b, django_assert_max_num_queries
):
    client.force_login(charlie)
    with django_assert_max_num_queries(10):
        client.get(reverse("assistance:referral_list"))
    for person in BeneficiaryFactory.create_batch(15, organisation=partner_a):
        refer(alice, person, partner_b)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("assistance:referral_list"))
    assert tab_counts(page)["received"] == "18"
