"""A partner manager looks after their organisation's users on a phone (390 px): invites a
caseworker (the temporary password shown once), withdraws a leaving colleague's access (the
row greyed) and restores it. Nothing wider than the screen."""

from playwright.sync_api import expect

from partners.models import Membership
from tests.browser.test_caseworker_flow import sign_in

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_manager_invites_and_withdraws_on_a_phone(
    committing_db, transactional_db, page, live_server, manager_a, alice
):
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    sign_in(page, base, "manager-a")

    page.goto(f"{base}/account/users/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_role("link", name="Inviter un utilisateur").click()
    page.wait_for_url("**/account/users/new/")
    expect(page.locator("select[name=organisation]")).to_have_count(0)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.fill("#id_username", "dina")
    page.fill("#id_first_name", "Dina")
    page.fill("#id_last_name", "Alaoui")
    page.select_option("#id_role", "caseworker")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.locator("#temporary-password")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert (
        Membership.objects.get(user__username="dina").organisation
        == manager_a.membership.organisation
    )

    page.goto(f"{base}/account/users/?q=alice")
    page.get_by_role("link", name="Retirer l'accès").click()
    page.wait_for_url("**/deactivate/**")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_role("button", name="Retirer l'accès").click()
    page.wait_for_url("**/account/users/?q=alice")
    expect(page.locator("tr.inactive")).to_have_count(1)
    assert not Membership.objects.get(user=alice).is_active
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.get_by_role("button", name="Rétablir l'accès").click()
    expect(page.locator("tr.inactive")).to_have_count(0)
    assert Membership.objects.get(user=alice).is_active
