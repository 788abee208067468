"""Writes of group activities: one session, its headcounts and its participants' assistances."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from assistance.activities.models import Activity
from assistance.models import Assistance
from assistance.services import assistance_record_many, check_project
from beneficiaries.classify import sex_class
from beneficiaries.models import Beneficiary
from core.audit import audit_create
from partners.models import Project
from partners.permissions import acting_organisation_id


@transaction.atomic
def activity_record(
    *,
    category: str,
    subtype: str,
    title: str,
    acting_user,
    participants: Sequence[Beneficiary] = (),
    held_on: datetime.date | None = None,
    project: Project | None = None,
    city=None,
    headcounts: dict[str, int] | None = None,
) -> Activity:
    """One group session (awareness, workshop, distribution): one assistance per registered
    participant, and the activity's headcounts by women/girls/men/boys/unknown.

    The headcounts are the registered participants, classified by their age on the day, plus
    `headcounts`: attendees who were not registered (anonymous), e.g. {"women": 12}.
    """
    organisation_id = acting_organisation_id(acting_user)
    check_project(acting_user, project, organisation_id)
    held_on = held_on or timezone.localdate()
    activity = Activity(
        organisation_id=organisation_id,
        category=category,
        subtype=subtype,
        title=title,
        held_on=held_on,
        project=project,
        city=city,
        created_by=acting_user,
        **(headcounts or {}),
    )
    participants = list({person.pk: person for person in participants}.values())
    _fill_headcounts(activity, participants)
    activity.full_clean()
    activity.save()
    audit_create(actor=acting_user, instance=activity)
    if participants:
        assistance_record_many(
            acting_user=acting_user,
            assistances=[
                Assistance(
                    beneficiary_id=person.pk,
                    category=category,
                    subtype=subtype,
                    delivered_on=held_on,
                    provider_id=organisation_id,
                    project=project,
                    city=city or person.city,
                    activity=activity,
                )
                for person in participants
            ],
        )
    return activity


def _fill_headcounts(activity: Activity, participants: Sequence[Beneficiary]) -> None:
    # The headcount fields are named after the classes (women, girls, men, boys, unknown).
    for person in participants:
        cell = sex_class(person.sex, person.age_on(activity.held_on))
        setattr(activity, cell, getattr(activity, cell) + 1)
