"""Reads of case work, scoped to the reader (STYLE.md: every derived value comes from
`visible_to` querysets)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    DateField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from assistance.models import Assistance
from cases.choices import RISK_ORDER
from cases.models import Case, CaseDocument, CaseNote, FollowUp

# "Due this week": the next seven days after today.
WEEK_DAYS = 7
# The most a list of "Mon travail" shows; the page says when there are more.
MY_WORK_LIMIT = 200


def with_risk_rank(cases: QuerySet) -> QuerySet:
    return cases.annotate(
        risk_rank=When_(
            *[When(risk_level=level, then=Value(rank)) for level, rank in RISK_ORDER.items()],
            output_field=IntegerField(),
        )
    )


def with_contact_dates(cases: QuerySet, *, user) -> QuerySet:
    """Each case with `last_contact` (the latest done follow-up or delivery by the case's
    organisation to the person, as far as `user` may see) and `next_followup` (the earliest
    pending follow-up)."""
    followups = FollowUp.objects.filter(case=OuterRef("pk"))
    done = followups.filter(done_on__isnull=False).order_by().values("case")
    delivered = (
        Assistance.objects.visible_to(user)
        .delivered()
        .filter(beneficiary_id=OuterRef("beneficiary_id"), provider_id=OuterRef("organisation_id"))
        .order_by()
        .values("beneficiary_id")
    )
    pending = followups.filter(done_on__isnull=True).order_by().values("case")
    last_followup = Subquery(done.annotate(last=Max("done_on")).values("last")[:1])
    last_delivery = Subquery(delivered.annotate(last=Max("delivered_on")).values("last")[:1])
    return cases.annotate(
        last_followup=last_followup,
        last_delivery=last_delivery,
        next_followup=Subquery(pending.annotate(first=Min("due_on")).values("first")[:1]),
    ).annotate(
        last_contact=Greatest(
            Coalesce("last_followup", "last_delivery"),
            Coalesce("last_delivery", "last_followup"),
            output_field=DateField(),
        )
    )


@dataclass
class MyWork:
    """What "Mon travail" shows a caseworker."""

    today: datetime.date
    cases: list = field(default_factory=list)
    cases_total: int = 0
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_this_week: list = field(default_factory=list)

    @property
    def limit(self) -> int:
        return MY_WORK_LIMIT


def my_work(*, user, today: datetime.date) -> MyWork:
    """The user's open cases (most at risk first), and their pending follow-ups: overdue, due
    today, due in the coming week. Only cases the user may see count."""
    visible = Case.objects.visible_to(user)
    mine = with_contact_dates(
        with_risk_rank(visible.open().filter(assigned_to=user)), user=user
    ).select_related("beneficiary")
    work = MyWork(today=today)
    work.cases_total = mine.count()
    work.cases = list(mine.order_by("risk_rank", "next_followup", "pk")[:MY_WORK_LIMIT])
    pending = (
        FollowUp.objects.pending()
        .filter(assignee=user, case__in=visible.open())
        .select_related("case__beneficiary")
        .order_by("due_on", "pk")
    )
    week_end = today + datetime.timedelta(days=WEEK_DAYS)
    work.overdue = list(pending.filter(due_on__lt=today)[:MY_WORK_LIMIT])
    work.due_today = list(pending.filter(due_on=today)[:MY_WORK_LIMIT])
    work.due_this_week = list(
        pending.filter(due_on__gt=today, due_on__lte=week_end)[:MY_WORK_LIMIT]
    )
    return work


def cases_of_person(person, *, user) -> QuerySet:
    """The cases of a person (and of the records merged into it) that `user` may see."""
    return (
        Case.objects.visible_to(user)
        .filter(Q(beneficiary=person) | Q(beneficiary__merged_into=person))
        .select_related("organisation", "assigned_to")
        .order_by("-opened_on", "-pk")
    )


@dataclass(frozen=True)
class Event:
    """One line of a case's timeline."""

    on: datetime.date
    kind: str
    item: object


def case_timeline(case: Case, *, user) -> list[Event]:
    """Everything that happened on a case, newest first: its transitions, assessments, goals,
    follow-ups, the assistances linked to its goals, and, for the owning organisation only,
    its notes and documents (the text of a note is read separately, and logged)."""
    events = [
        Event(t.on, f"transition_{t.kind}", t) for t in case.transitions.select_related("by").all()
    ]
    events += [Event(a.assessed_on, "assessment", a) for a in case.assessments.all()]
    events += [Event(timezone.localdate(g.created_at), "goal", g) for g in case.goals.all()]
    events += [
        Event(f.done_on or f.due_on, "followup", f)
        for f in case.followups.select_related("assignee").all()
    ]
    linked = (
        Assistance.objects.visible_to(user)
        .filter(goals__case=case)
        .distinct()
        .select_related("provider")
    )
    events += [Event(a.delivered_on, "assistance", a) for a in linked]
    events += [
        Event(n.written_on, "note", n)
        for n in CaseNote.objects.visible_to(user).filter(case=case).select_related("created_by")
    ]
    events += [
        Event(d.created_at.date(), "document", d)
        for d in CaseDocument.objects.visible_to(user)
        .filter(case=case)
        .select_related("created_by")
    ]
    order = {"transition_opened": 0}
    return sorted(events, key=lambda e: (e.on, -order.get(e.kind, 1)), reverse=True)
