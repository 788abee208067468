"""Reads of the audit page: the trail of changes and the access log, filtered, for IOM
officers only (each model's `visible_to`: anyone else gets nothing)."""

from __future__ import annotations

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from core.models import AccessEntry, AuditEntry
from partners.models import Organisation
from web.audit.forms import day_bounds

PERSON_MODEL = Beneficiary._meta.label_lower
ASSISTANCE_MODEL = Assistance._meta.label_lower


def _person_ids(user, value: str) -> QuerySet:
    """The people a "person" filter names: by reference (any organisation), or by number."""
    match = Q(beneficiary_ref__iexact=value.strip())
    if value.strip().isdigit():
        match |= Q(pk=int(value.strip()))
    return (
        Beneficiary.objects.visible_to(user)
        .filter(match)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )


def _when(filters: dict, field: str) -> Q:
    low, high = day_bounds(filters.get("start"), filters.get("end"))
    condition = Q()
    if low:
        condition &= Q(**{f"{field}__gte": low})
    if high:
        condition &= Q(**{f"{field}__lt": high})
    return condition


def access_entries(*, user, filters: dict) -> QuerySet[AccessEntry]:
    """The access log, newest first, with each reader's organisation name (one query)."""
    organisation_name = Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")
    entries = (
        AccessEntry.objects.visible_to(user)
        .select_related("user")
        .annotate(organisation_name=Subquery(organisation_name[:1], output_field=CharField()))
        .filter(_when(filters, "at"))
    )
    if filters.get("user"):
        entries = entries.filter(
            Q(user__username__iexact=filters["user"]) | Q(username__iexact=filters["user"])
        )
    if filters.get("organisation"):
        entries = entries.filter(organisation_id=filters["organisation"].pk)
    if filters.get("person"):
        entries = entries.filter(
            model=PERSON_MODEL, object_id__in=_person_ids(user, filters["person"])
        )
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    return entries.order_by("-at", "-id")


def audit_entries(*, user, filters: dict) -> QuerySet[AuditEntry]:
    """The trail of changes, newest first, with each author and their organisation. A person
    filter takes their file and their assistances."""
    entries = (
        AuditEntry.objects.visible_to(user)
        .select_related("actor__membership__organisation")
        .filter(_when(filters, "at"))
    )
    if filters.get("user"):
        entries = entries.filter(actor__username__iexact=filters["user"])
    if filters.get("organisation"):
        entries = entries.filter(actor__membership__organisation=filters["organisation"])
    if filters.get("person"):
        people = _person_ids(user, filters["person"])
        assistances = (
            Assistance.objects.visible_to(user)
            .filter(beneficiary_id__in=people.values("pk"))
            .annotate(text_id=Cast("pk", CharField()))
            .values("text_id")
        )
        entries = entries.filter(
            Q(model=PERSON_MODEL, object_id__in=people)
            | Q(model=ASSISTANCE_MODEL, object_id__in=assistances)
        )
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    return entries.order_by("-at", "-id")


def person_references(entries) -> dict[str, str]:
    """{person id: reference} for the people among `entries` (one query), to name them by
    their file's reference rather than their name."""
    ids = {e.object_id for e in entries if e.model == PERSON_MODEL and e.object_id.isdigit()}
    if not ids:
        return {}
    return {
        str(pk): ref
        for pk, ref in Beneficiary.objects.filter(pk__in=ids).values_list("pk", "beneficiary_ref")
    }
