"""Case work's part of the morning digest (core.digest): each assignee's pending follow-ups
due today and overdue, on open cases they may still see. Registered in CasesConfig.ready."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.choices import CaseStatus
from cases.models import FollowUp
from core.digest import DigestItem


def collect(today: datetime.date, user_ids: list[int]) -> list[DigestItem]:
    """One item per user with something due: counted by the database, one query a batch.
    A follow-up counts for its assignee while they still work for the case's organisation
    (a member who left, or whose case was transferred, is not told)."""
    rows = (
        FollowUp.objects.pending()
        .filter(
            assignee_id__in=user_ids,
            due_on__lte=today,
            case__status=CaseStatus.OPEN,
            case__organisation__memberships__user_id=F("assignee_id"),
            case__organisation__memberships__is_active=True,
        )
        .order_by()
        .values("assignee_id")
        .annotate(
            due=Count("pk", filter=Q(due_on=today)),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
    )
    link = reverse("cases:my_work")
    return [
        DigestItem(user_id=row["assignee_id"], due=row["due"], overdue=row["overdue"], link=link)
        for row in rows
    ]


def describe(item: DigestItem) -> str:
    """The item's line, in the language the digest set for its user."""
    parts = []
    if item.overdue:
        parts.append(
            ngettext("%(count)d suivi en retard", "%(count)d suivis en retard", item.overdue)
            % {"count": item.overdue}
        )
    if item.due:
        parts.append(
            ngettext(
                "%(count)d suivi prévu aujourd'hui",
                "%(count)d suivis prévus aujourd'hui",
                item.due,
            )
            % {"count": item.due}
        )
    return _("Dossiers : %(items)s") % {"items": ", ".join(parts)}
