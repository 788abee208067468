"""The "who viewed this file" panel of a person's file, and the audit page of IOM officers
(both logs, filtered, paginated, exported as CSV)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse

from assistance.referrals.services import referral_create, referral_respond
from beneficiaries.services import beneficiary_update
from core import access, clock
from core.models import AccessEntry
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import city

Action = AccessEntry.Action
PANEL = 'id="access-history"'


@pytest.fixture
def person(partner_a):
    return BeneficiaryFactory(
        organisation=partner_a, beneficiary_ref="A-001", last_name="Koné", city=city("oujda")
    )


@pytest.fixture
def referred(person, alice, charlie, partner_b):
    """The person referred to partner B, who accepted: charlie sees the file too."""
    referral = referral_create(
        beneficiary=person,
        category="legal",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
    )
    referral_respond(referral=referral, accept=True, acting_user=charlie)
    return person


def _file(client, user, person):
    client.force_login(user)
    return client.get(reverse("beneficiaries:detail", args=[person.pk]))


# --- The panel on the person's file ------------------------------------------------------------


def test_the_owning_managers_see_who_viewed_the_file(client, alice, manager_a, partner_a, person):
    _file(client, alice, person)
    response = _file(client, manager_a, person)
    html = response.content.decode()
    assert PANEL in html
    panel = html[html.index(PANEL) :]
    assert "alice" in panel and "Partenaire A" in panel
    assert "Consultation d&#x27;une fiche" in panel or "Consultation d'une fiche" in panel
    # A manager reads the panel, not the officers' audit page.
    assert reverse("audit:list") not in panel


def test_an_officer_sees_the_panel_and_a_link_to_the_whole_log(client, alice, officer, person):
    _file(client, alice, person)
    html = _file(client, officer, person).content.decode()
    assert PANEL in html
    assert f"{reverse('audit:list')}?tab=access&amp;person={person.pk}" in html


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_caseworkers_and_the_receiving_partner_do_not_see_it(client, request, referred, who):
    user = request.getfixturevalue(who)
    response = _file(client, user, referred)
    assert response.status_code == 200  # they read the file…
    assert PANEL not in response.content.decode()  # …not who else did


def test_the_donor_never_reaches_the_file_nor_its_panel(client, donor_user, person):
    assert _file(client, donor_user, person).status_code == 404


def test_another_partners_manager_does_not_see_the_panel(client, referred, partner_b):
    from partners.choices import Role
    from tests.partners.factories import member

    manager_b = member(partner_b, Role.PARTNER_MANAGER, username="manager-b")
    response = _file(client, manager_b, referred)
    assert response.status_code == 200
    assert PANEL not in response.content.decode()


# --- The audit page ----------------------------------------------------------------------------


@pytest.fixture
def history(alice, charlie, officer, person, partner_a):
    """Some of each: alice reads the file and changes it; charlie fails to sign in."""
    request = RequestFactory().get("/")
    access.record(request, Action.VIEW_PERSON, user=alice, instance=person)
    access.record(request, Action.LOGIN_FAILED, username="charlie")
    access.record(request, Action.LOGIN, user=officer)
    beneficiary_update(
        beneficiary=person, acting_user=alice, expected_version=person.version, last_name="Konaté"
    )
    return person


def test_the_officer_reads_the_access_log_filtered_by_person(client, officer, history):
    client.force_login(officer)
    response = client.get(reverse("audit:list"), {"tab": "access", "person": history.pk})
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [(e.action, e.user.username) for e in rows] == [("view_person", "alice")]
    assert "A-001" in response.content.decode()  # named by the file's reference


def test_the_person_filter_takes_the_reference_too(client, officer, history):
    client.force_login(officer)
    response = client.get(reverse("audit:list"), {"tab": "access", "person": "a-001"})
    assert [e.action for e in response.context["page_obj"]] == ["view_person"]


def test_the_officer_filters_by_user_action_organisation_and_date(
    client, officer, history, partner_a
):
    client.force_login(officer)
    url = reverse("audit:list")
    failed = client.get(url, {"user": "charlie", "action": "login_failed"}).context["page_obj"]
    assert [e.username for e in failed] == ["charlie"]
    by_org = client.get(url, {"organisation": partner_a.pk}).context["page_obj"]
    assert {e.user.username for e in by_org} == {"alice"}
    tomorrow = clock.today() + datetime.timedelta(days=1)
    later = client.get(url, {"start": tomorrow.isoformat()}).context["page_obj"]
    assert list(later) == []


def test_the_audit_trail_tab_shows_the_changes(client, officer, history):
    client.force_login(officer)
    response = client.get(reverse("audit:list"), {"tab": "audit", "person": "A-001"})
    assert response.status_code == 200
    (entry,) = response.context["page_obj"]
    assert (entry.action, entry.actor.username) == ("update", "alice")
    assert "Konaté" in response.content.decode()


def test_a_bad_date_range_is_refused_in_place(client, officer):
    client.force_login(officer)
    bad = {"start": "2024-05-02", "end": "2024-05-01"}
    response = client.get(reverse("audit:list"), bad)
    assert response.status_code == 400
    assert list(response.context["page_obj"]) == []  # never the whole log instead
    assert client.get(reverse("audit:export"), bad).status_code == 400


def test_the_audit_page_is_linked_from_the_officers_security_page(client, officer, manager_a):
    """The menu's "Sécurité" entry leads to the security page, which links the audit log for
    officers only (managers have the entry for their members and locked sign-ins)."""
    client.force_login(officer)
    assert reverse("partners:security") in client.get(reverse("home")).content.decode()
    assert reverse("audit:list") in client.get(reverse("partners:security")).content.decode()
    client.force_login(manager_a)
    assert reverse("audit:list") not in client.get(reverse("partners:security")).content.decode()


def test_the_audit_page_queries_stay_bounded(
    client, officer, alice, person, django_assert_max_num_queries
):
    request = RequestFactory().get("/")
    for _ in range(60):
        access.record(request, Action.VIEW_PERSON, user=alice, instance=person)
    client.force_login(officer)
    for tab in ("access", "audit"):
        # 11: the page's own, and django-otp reading the officer's verified device.
        with django_assert_max_num_queries(11):
            response = client.get(reverse("audit:list"), {"tab": tab})
        assert response.status_code == 200


def test_the_export_is_a_guarded_csv_and_is_logged(client, officer, alice, person):
    request = RequestFactory().get("/", HTTP_USER_AGENT='=HYPERLINK("http://x")')
    access.record(request, Action.VIEW_PERSON, user=alice, instance=person)
    client.force_login(officer)
    response = client.get(reverse("audit:export"), {"tab": "access", "user": "alice"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # header and alice's read (the login of the officer is not hers)
    assert rows[1][1] == "alice" and rows[1][4] == "view_person"
    assert rows[1][-1].startswith("'=")  # the formula guard
    export = AccessEntry.objects.get(action=Action.EXPORT_PERSONAL)
    assert (export.user, export.kind, export.row_count) == (officer, "audit_access.csv", 1)


def test_the_audit_trail_exports_too(client, officer, history):
    client.force_login(officer)
    response = client.get(reverse("audit:export"), {"tab": "audit"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("Konaté" in row[-1] for row in rows[1:])


@pytest.mark.parametrize("who", ["alice", "manager_a", "charlie", "donor_user"])
@pytest.mark.parametrize("name", ["audit:list", "audit:export"])
def test_everyone_else_gets_a_404(db, client, request, who, name):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 404
    assert not AccessEntry.objects.filter(action=Action.EXPORT_PERSONAL).exists()


@pytest.mark.parametrize("name", ["audit:list", "audit:export"])
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
