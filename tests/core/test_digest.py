"""core.digest, the morning digest (issue 14): one notification per user per day, in the
user's language, gathering the lines of every registered source; nothing for a user with
nothing due; a second run the same day sends nothing more. The sources are faked here
(the referrals' own is tested in tests/assistance/test_referral_deadlines.py)."""

import datetime

import pytest
from django.utils.translation import gettext, ngettext

from core import digest
from core.digest import DigestItem, digest_send
from core.models import Notification
from iom_cases.settings import CELERY_BEAT_SCHEDULE

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def source():
    """A fake source: `items` is what it finds; it records each batch it is asked about."""
    state = {"items": [], "batches": []}

    def collect(today, user_ids):
        state["batches"].append((today, list(user_ids)))
        return [item for item in state["items"] if item.user_id in user_ids]

    def describe(item):
        # A string the Arabic catalogue already has ("Référencements" → الإحالات).
        return f"{gettext('Référencements')} {item.overdue}/{item.due}"

    digest.register("fake", collect=collect, describe=describe)
    yield state
    digest.unregister("fake")


def test_one_notification_per_user_with_something_due(source, alice, bob, charlie):
    source["items"] = [
        DigestItem(user_id=alice.pk, due=1, overdue=2, link="/referencements/"),
        DigestItem(user_id=charlie.pk, due=0, overdue=0, link="/x/"),  # nothing: no notice
    ]
    assert digest_send(today=TODAY) == 1
    notice = Notification.objects.get()
    assert notice.user == alice
    assert notice.key == "digest:2026-11-30"
    assert "Référencements 2/1" in notice.message
    assert notice.link == "/referencements/"


def test_running_twice_sends_one_notification(source, alice):
    source["items"] = [DigestItem(user_id=alice.pk, overdue=1)]
    assert digest_send(today=TODAY) == 1
    asked = len(source["batches"])
    assert digest_send(today=TODAY) == 0
    assert Notification.objects.filter(user=alice).count() == 1
    # Users already told today are not even asked about again.
    assert all(alice.pk not in ids for _today, ids in source["batches"][asked:])


def test_the_next_day_is_a_new_digest(source, alice):
    source["items"] = [DigestItem(user_id=alice.pk, overdue=1)]
    digest_send(today=TODAY)
    digest_send(today=TODAY + datetime.timedelta(days=1))
    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        "digest:2026-11-30",
        "digest:2026-12-01",
    ]


def test_the_users_language_is_used(source, alice, bob):
    """alice picked Arabic in the switcher: her digest is rendered under
    translation.override("ar"); bob, who never picked one, gets the default (French)."""
    alice.membership.language = "ar"
    alice.membership.save(update_fields=["language"])
    source["items"] = [DigestItem(user_id=alice.pk, overdue=1), DigestItem(user_id=bob.pk, due=1)]
    digest_send(today=TODAY)
    assert "الإحالات" in Notification.objects.get(user=alice).message
    assert "Référencements" in Notification.objects.get(user=bob).message


def test_the_language_switch_remembers_the_choice(client, alice, source):
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    alice.membership.refresh_from_db()
    assert alice.membership.language == "ar"
    source["items"] = [DigestItem(user_id=alice.pk, overdue=1)]
    digest_send(today=TODAY)
    assert "الإحالات" in Notification.objects.get(user=alice).message


def test_the_language_switch_refuses_an_unknown_language(client, alice):
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    alice.membership.refresh_from_db()
    assert alice.membership.language == ""


def test_users_are_asked_about_in_batches(source, alice, bob, charlie, manager_a):
    source["items"] = [DigestItem(user_id=u.pk, due=1) for u in (alice, bob, charlie, manager_a)]
    assert digest_send(today=TODAY, batch_size=2) == 4
    sizes = [len(ids) for _today, ids in source["batches"]]
    assert sizes and max(sizes) <= 2 and sum(sizes) >= 4


def test_inactive_users_are_not_notified(source, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    source["items"] = [DigestItem(user_id=alice.pk, due=1)]
    assert digest_send(today=TODAY) == 0


def test_the_message_is_bounded(alice):
    many = [DigestItem(user_id=alice.pk, due=n + 1, topic=str(n)) for n in range(40)]

    def describe(item):
        return ngettext("%(n)s chose à faire", "%(n)s choses à faire", item.due) % {"n": item.due}

    digest.register("many", collect=lambda today, ids: many, describe=describe)
    try:
        digest_send(today=TODAY)
    finally:
        digest.unregister("many")
    message = Notification.objects.get(user=alice).message
    assert len(message) <= 300
    assert message.count("à faire") <= digest.MAX_LINES
    assert "…" in message


def test_several_sources_link_to_the_home_page(source, alice):
    source["items"] = [DigestItem(user_id=alice.pk, due=1, link="/a/")]
    digest.register(
        "other",
        collect=lambda today, ids: [DigestItem(user_id=alice.pk, overdue=1, link="/b/")],
        describe=lambda item: "autre",
    )
    try:
        digest_send(today=TODAY)
    finally:
        digest.unregister("other")
    assert Notification.objects.get(user=alice).link == "/"


def test_the_beat_runs_it_every_morning_at_seven():
    entry = CELERY_BEAT_SCHEDULE["core-morning-digest"]
    assert entry["task"] == "core.tasks.send_morning_digest"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


def test_the_task_sends_todays_digest(source, alice, frozen_clock):
    from core.tasks import send_morning_digest

    frozen_clock(datetime.datetime(2026, 11, 30, 6, 0, tzinfo=datetime.UTC))
    source["items"] = [DigestItem(user_id=alice.pk, overdue=1)]
    assert send_morning_digest.delay().get() == 1
    assert Notification.objects.get(user=alice).key == "digest:2026-11-30"
