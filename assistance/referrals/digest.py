"""Referrals in the morning digest (core.digest; registered in AssistanceConfig.ready()).

Who is told about a referral still waiting for the partner's answer:
- the receiving organisation's caseworkers and managers (active memberships): they answer
  referrals, the inbox is theirs; told of those due today and of those overdue;
- the person who sent it (`created_by`), while still an active member of the sending
  organisation: told of those overdue, to chase the partner or refer elsewhere. The
  sending organisation's other members are not: the referral is its sender's follow-up.
Counts only: a notification names no one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import ngettext

from assistance.referrals.models import Referral
from core.digest import DigestItem
from partners.choices import Role
from partners.models import Membership

SENT, RECEIVED = "sent", "received"
ANSWERING_ROLES = (Role.CASEWORKER, Role.PARTNER_MANAGER)


def collect(today: datetime.date, user_ids: list[int]) -> Iterator[DigestItem]:
    """The referrals awaiting an answer of these users: two queries a batch."""
    waiting = Referral.objects.awaiting_answer().filter(response_due_on__lte=today)
    received = (
        waiting.order_by()
        .values("to_organisation_id")
        .annotate(
            due=Count("pk", filter=Q(response_due_on=today)),
            overdue=Count("pk", filter=Q(response_due_on__lt=today)),
        )
    )
    by_organisation = {row["to_organisation_id"]: row for row in received}
    if by_organisation:
        answering = Membership.objects.filter(
            user_id__in=user_ids,
            is_active=True,
            role__in=ANSWERING_ROLES,
            organisation_id__in=list(by_organisation),
        ).values_list("user_id", "organisation_id")
        link = reverse("assistance:referral_list") + "?direction=received"
        for user_id, organisation_id in answering:
            row = by_organisation[organisation_id]
            yield DigestItem(
                user_id=user_id,
                due=row["due"],
                overdue=row["overdue"],
                link=link,
                topic=RECEIVED,
            )
    sent = (
        waiting.filter(
            response_due_on__lt=today,
            created_by_id__in=user_ids,
            created_by__membership__is_active=True,
            created_by__membership__organisation_id=F("from_organisation_id"),
        )
        .order_by()
        .values("created_by_id")
        .annotate(overdue=Count("pk"))
    )
    link = reverse("assistance:referral_list") + "?direction=sent&overdue=1"
    for row in sent:
        yield DigestItem(
            user_id=row["created_by_id"], overdue=row["overdue"], link=link, topic=SENT
        )


def describe(item: DigestItem) -> str:
    """The item's line, in the active language (the digest sets the user's)."""
    if item.topic == SENT:
        return ngettext(
            "%(count)s référencement envoyé toujours sans réponse après le délai",
            "%(count)s référencements envoyés toujours sans réponse après le délai",
            item.overdue,
        ) % {"count": item.overdue}
    parts = []
    if item.overdue:
        parts.append(
            ngettext(
                "%(count)s référencement reçu en retard de réponse",
                "%(count)s référencements reçus en retard de réponse",
                item.overdue,
            )
            % {"count": item.overdue}
        )
    if item.due:
        parts.append(
            ngettext(
                "%(count)s référencement reçu à traiter aujourd'hui",
                "%(count)s référencements reçus à traiter aujourd'hui",
                item.due,
            )
            % {"count": item.due}
        )
    return ", ".join(parts)
