"""core.notifications: the one way any app notifies a user (issue 14 moved it down from
bilans). A key makes a notice idempotent; a notice is its recipient's alone; the home page
lists the unread ones and marking one read follows its link."""

import pytest
from django.db import connection

from core.models import Notification
from core.notifications import notify

pytestmark = pytest.mark.django_db


def test_the_model_keeps_the_table_of_bilans_and_its_rows():
    # State-only move (core 0009, bilans 0003): rows written before the move are still there.
    assert Notification._meta.db_table == "bilans_notification"
    assert "bilans_notification" in connection.introspection.table_names()


def test_notify_with_a_key_sends_once(alice):
    first = notify(user=alice, message="Bilan prêt", link="/bilans/", key="bilan:1")
    again = notify(user=alice, message="Bilan prêt (bis)", key="bilan:1")
    assert first is not None and again is None
    assert list(Notification.objects.values_list("message", "link")) == [("Bilan prêt", "/bilans/")]


def test_notify_without_a_key_sends_each_time(alice):
    notify(user=alice, message="Un")
    notify(user=alice, message="Deux")
    assert Notification.objects.filter(user=alice).count() == 2


def test_the_same_key_for_two_users_notifies_both(alice, bob):
    notify(user=alice, message="x", key="k")
    notify(user=bob, message="x", key="k")
    assert Notification.objects.filter(key="k").count() == 2


def test_a_race_on_the_same_key_sends_nothing_more(alice, monkeypatch):
    """Two workers both see no notice then insert: the constraint refuses the second one,
    which returns None instead of failing the task (and keeps the transaction usable)."""
    notify(user=alice, message="x", key="k")
    monkeypatch.setattr(
        Notification.objects,
        "filter",
        lambda *a, **k: Notification.objects.none(),
    )
    assert notify(user=alice, message="x", key="k") is None
    monkeypatch.undo()
    assert Notification.objects.filter(user=alice, key="k").count() == 1


def test_a_too_long_message_is_refused(alice):
    with pytest.raises(Exception, match="300"):
        notify(user=alice, message="x" * 301)
    assert not Notification.objects.exists()


def test_the_home_page_lists_the_users_unread_notices_only(client, alice, bob):
    notify(user=alice, message="Pour alice", link="/referencements/")
    notify(user=bob, message="Pour bob")
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "Pour alice" in page and "Pour bob" not in page


def test_marking_read_follows_the_link(client, alice):
    notice = notify(user=alice, message="Pour alice", link="/referencements/?direction=sent")
    client.force_login(alice)
    answer = client.post(f"/notifications/{notice.pk}/lue/")
    assert answer.status_code == 302 and answer["Location"] == "/referencements/?direction=sent"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "Pour alice" not in client.get("/").content.decode()


def test_an_outside_link_is_not_followed(client, alice):
    notice = notify(user=alice, message="x", link="https://evil.example/")
    client.force_login(alice)
    answer = client.post(f"/notifications/{notice.pk}/lue/")
    assert answer["Location"] == "/"


@pytest.mark.parametrize("who", ["bob", "charlie", "donor_user", None])
def test_someone_elses_notice_is_404_and_stays_unread(client, request, alice, who):
    notice = notify(user=alice, message="Pour alice")
    if who:
        client.force_login(request.getfixturevalue(who))
    answer = client.post(f"/notifications/{notice.pk}/lue/")
    assert answer.status_code == (404 if who else 302)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_is_post_only(client, alice):
    notice = notify(user=alice, message="x")
    client.force_login(alice)
    assert client.get(f"/notifications/{notice.pk}/lue/").status_code == 405
