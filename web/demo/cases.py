"""Case work for the demo (DESIGN.md section 7): the Oujda caseworker's caseload, with risk
levels, assessments, plans, follow-ups overdue, due today and this week, a confidential note,
a scanned consent form, and cases closed over the last months (the case indicators need them)."""

from __future__ import annotations

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from beneficiaries.models import Beneficiary
from cases import services
from cases.choices import ClosureReason, DocumentKind, RiskLevel
from web.demo.world import Demo

CLOSURES = [
    ClosureReason.GOALS_MET,
    ClosureReason.GOALS_MET,
    ClosureReason.REFERRED_ELSEWHERE,
    ClosureReason.LOST_CONTACT,
    ClosureReason.RETURNED_HOME,
    ClosureReason.MOVED_AWAY,
]


def _consent_scan() -> SimpleUploadedFile:
    """A small PNG standing for a scanned, signed consent form."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("consentement.png", buffer.getvalue(), content_type="image/png")


def caseload(demo: Demo) -> int:
    """Up to thirty-two cases of the Oujda partner's latest registered people (the referral
    stories use the first ones); returns how many were opened."""
    users = get_user_model().objects
    caseworker = users.get(username="caseworker")
    manager = users.get(username="manager")
    people = list(
        Beneficiary.objects.filter(organisation=demo.orgs["smso-oujda"], merged_into=None)
        .exclude(pseudonymised_at__isnull=False)
        .order_by("-id")[:32]
    )
    risks = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL]
    for index, person in enumerate(people):
        opened_on = min(
            demo.today - datetime.timedelta(days=10 + 7 * index),
            demo.today,
        )
        opened_on = max(opened_on, person.registered_on or opened_on)
        holder = manager if index % 7 == 6 else caseworker
        case = services.case_open(
            beneficiary=person,
            acting_user=caseworker,
            assigned_to=holder,
            risk_level=risks[index % len(risks)],
            opened_on=opened_on,
        )
        services.assessment_record(
            case=case,
            acting_user=caseworker,
            assessed_on=opened_on,
            needs=["medical", "psychosocial"] if index % 2 else ["food", "emergency_housing"],
            vulnerabilities=["gbv"] if index % 3 == 0 else [],
            summary="Arrivée récente, besoins de base non couverts.",
        )
        services.goal_add(
            case=case,
            acting_user=caseworker,
            title="Accès aux soins de santé primaires",
            services=["medical:consultation", "medical:medication"],
            target_date=opened_on + datetime.timedelta(days=45),
        )
        services.goal_add(
            case=case,
            acting_user=caseworker,
            title="Soutien psychosocial régulier",
            services=["psychosocial"],
            target_date=opened_on + datetime.timedelta(days=90),
        )
        # Follow-ups: overdue, due today, due this week, later, by turns.
        due_on = max(opened_on, demo.today + datetime.timedelta(days=(index % 5) * 3 - 4))
        services.followup_add(
            case=case,
            acting_user=caseworker,
            due_on=due_on,
            action="Appeler pour le rendez-vous au centre de santé.",
        )
        if index % 4 == 0:
            services.note_add(
                case=case,
                acting_user=caseworker,
                body="Entretien en présence d'une interprète ; la personne souhaite être "
                "reçue par une femme.",
            )
        if index == 0:
            services.document_upload(
                case=case,
                kind=DocumentKind.CONSENT_FORM,
                title="Consentement signé",
                uploaded_file=_consent_scan(),
                acting_user=caseworker,
            )
        # About a third closed over the months, for the case indicators.
        if index % 3 == 2:
            closed_on = min(demo.today, opened_on + datetime.timedelta(days=20 + index))
            services.case_close(
                case=case,
                acting_user=caseworker,
                reason=CLOSURES[index % len(CLOSURES)],
                closed_on=closed_on,
            )
    return len(people)
