"""Reads of the assistance app that are more than a one-liner, always scoped to a user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from assistance.models import Activity, Assistance, Referral, ReturnCase
from partners.access import actor_for
from partners.models import Project


@dataclass
class TimelineEntry:
    """One dated event of a person's file: an assistance, a referral or a return case."""

    on: datetime.date
    kind: str  # "assistance" | "referral" | "return_case"
    item: object


def with_visible_links(assistances: QuerySet, *, user) -> QuerySet:
    """`assistances` annotated with the group session and the return case each row belongs to,
    as far as `user` may see them: `visible_activity_id`, `visible_activity_title` and
    `visible_return_case_id`, None for another organisation's record.

    A person's owner sees the rows another partner delivered to the person (a session the
    person attended at that partner's, say), not that partner's session itself: its id and
    its title are that partner's.
    """
    activities = Activity.objects.visible_to(user).filter(pk=OuterRef("activity_id"))
    cases = ReturnCase.objects.visible_to(user).filter(pk=OuterRef("return_case_id"))
    return assistances.annotate(
        visible_activity_id=Subquery(activities.values("pk")[:1]),
        visible_activity_title=Subquery(activities.values("title")[:1]),
        visible_return_case_id=Subquery(cases.values("pk")[:1]),
    )


def beneficiary_timeline(*, user, beneficiary) -> list[TimelineEntry]:
    """Everything the user may see of a person's file, newest first, in three queries."""
    assistances = with_visible_links(
        Assistance.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("provider", "project"),
        user=user,
    )
    referrals = (
        Referral.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("from_organisation", "to_organisation")
    )
    return_cases = ReturnCase.objects.visible_to(user).filter(beneficiary=beneficiary)
    entries = [TimelineEntry(a.delivered_on, "assistance", a) for a in assistances]
    entries += [TimelineEntry(r.referred_on, "referral", r) for r in referrals]
    entries += [TimelineEntry(c.opened_on, "return_case", c) for c in return_cases]
    order = {"return_case": 0, "referral": 1, "assistance": 2}
    entries.sort(key=lambda e: (e.on, -order[e.kind], e.item.pk), reverse=True)
    return entries


# --- Values derived from a person's assistances ---------------------------------------------------
# Every date, count, filter or sort key shown next to a person is computed from the rows the
# viewer may see (`Assistance.objects.visible_to`), never from all of the person's rows: a partner
# the person was referred to must not learn when, or whether, the sender assisted them.


def _visible_deliveries(user):
    """The delivered assistances `user` may see, of the person of the outer query."""
    return Assistance.objects.visible_to(user).delivered().filter(beneficiary=OuterRef("pk"))


def with_last_assisted(people: QuerySet, *, user) -> QuerySet:
    """`people` annotated with `last_assisted`: the date of each person's latest delivered
    assistance among those `user` may see (None if there is none)."""
    latest = _visible_deliveries(user).order_by("-delivered_on").values("delivered_on")[:1]
    return people.annotate(last_assisted=Subquery(latest))


def assisted_between(
    people: QuerySet,
    *,
    user,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet:
    """The people of `people` with a delivered assistance that `user` may see, dated within
    [start, end] (each bound optional, inclusive)."""
    rows = _visible_deliveries(user)
    if start:
        rows = rows.filter(delivered_on__gte=start)
    if end:
        rows = rows.filter(delivered_on__lte=end)
    return people.filter(Exists(rows))


def open_projects(*, user, on: datetime.date | None = None):
    """The projects the user's organisation may record under that are running on `on`
    (today by default): those it implements, or any project for IOM officers."""
    return projects_for_entry(user=user).active_on(on or timezone.localdate())


def projects_for_entry(*, user):
    """Projects the user's organisation may record assistances under."""
    actor = actor_for(user)
    projects = Project.objects.visible_to(user)
    if not actor.sees_everything:
        projects = projects.filter(partners__id=actor.organisation_id)
    return projects.order_by("-start", "code")
