"""A few stories through the services, so every page has something to show: referrals between
partners (accepted, declined with a reason, waiting) and to a public hospital, return cases at
every stage, two withdrawn consents, and last quarter's bilan, published for the donor."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from assistance.choices import Category, DeclineReason, Outcome
from assistance.referrals.services import referral_create, referral_record_outcome, referral_respond
from assistance.returns.services import return_case_advance, return_case_open
from beneficiaries.consents.services import consent_record, consent_withdraw, live_consent
from beneficiaries.models import Beneficiary
from bilans.services import bilan_generate, bilan_publish, bilan_request, previous_quarter
from web.demo.world import Demo


def referrals_and_returns(demo: Demo) -> None:
    """Referrals from Oujda to Casablanca and back, and to a public hospital; AVRR cases."""
    caseworker = get_user_model().objects.get(username="caseworker")
    casa = get_user_model().objects.get(username="caseworker.casa")
    oujda_people = list(
        Beneficiary.objects.filter(organisation=demo.orgs["smso-oujda"]).order_by("id")[:40]
    )
    recent = demo.today - datetime.timedelta(days=20)
    for person in oujda_people[:12]:
        referral = referral_create(
            beneficiary=person,
            category=Category.LEGAL,
            consent=True,
            to_organisation=demo.orgs["inclusion-casa"],
            acting_user=caseworker,
            reason="Accompagnement juridique à Casablanca",
            referred_on=recent,
        )
        if person.pk % 3:
            referral_respond(referral=referral, accept=True, acting_user=casa)
            if person.pk % 2:
                referral_record_outcome(
                    referral=referral, acting_user=casa, outcome=Outcome.SERVICE_RECEIVED
                )
        elif person.pk % 2:
            referral_respond(
                referral=referral,
                accept=False,
                acting_user=casa,
                decline_reason=DeclineReason.NO_CAPACITY,
                decline_note="Notre juriste est absente jusqu'à la fin du mois.",
            )
    _withdrawn_consents(demo, oujda_people, caseworker)
    # Casablanca refers some of its people to Oujda: the Oujda caseworker's inbox has
    # referrals waiting for an answer, and some already accepted.
    casa_people = Beneficiary.objects.filter(organisation=demo.orgs["inclusion-casa"])
    for n, person in enumerate(casa_people.order_by("id")[:6]):
        referral = referral_create(
            beneficiary=person,
            category=Category.MEDICAL if n % 2 else Category.PSYCHOSOCIAL,
            consent=True,
            to_organisation=demo.orgs["smso-oujda"],
            acting_user=casa,
            reason="Installation à Oujda : suivi à poursuivre",
            referred_on=recent + datetime.timedelta(days=n),
        )
        if n % 3 == 2:
            referral_respond(referral=referral, accept=True, acting_user=caseworker)
    for person in oujda_people[12:24]:
        referral = referral_create(
            beneficiary=person,
            category=Category.MEDICAL,
            consent=True,
            to_structure="Centre hospitalier régional Al Farabi, Oujda",
            acting_user=caseworker,
            referred_on=recent,
            project=demo.projects["JPN-PROT"],
        )
        if person.pk % 2:
            referral_record_outcome(
                referral=referral, acting_user=caseworker, outcome=Outcome.SERVICE_RECEIVED
            )
    migrants = [p for p in demo.avrr_people if p.is_migrant and p.nationality][:30]
    opened = demo.today - datetime.timedelta(days=90)
    for n, person in enumerate(migrants):
        case = return_case_open(
            beneficiary=person,
            country=person.nationality,
            project=demo.projects["EU-AVRR"],
            opened_on=opened,
            acting_user=demo.officer,
        )
        stage = ["pre_departure", "medical_check", "returned", "reintegration"][n % 4]
        return_case_advance(
            return_case=case,
            stage=stage,
            acting_user=demo.officer,
            on=opened + datetime.timedelta(days=30 + n),
        )


def _withdrawn_consents(demo: Demo, oujda_people, caseworker) -> None:
    """The consent ledger at work: one person referred to Casablanca withdrew that sharing
    (Casablanca's inbox keeps the referral without the identity), another withdrew sharing
    with IOM (the officer no longer opens the file; the figures still count them)."""
    casa = demo.orgs["inclusion-casa"]
    accepted = [p for p in oujda_people[:12] if p.pk % 3]  # as answered above
    if accepted:
        consent_withdraw(
            consent=live_consent(accepted[0], "referral", casa),
            on=demo.today,
            reason="Ne souhaite plus que son dossier soit partagé avec Casablanca.",
            acting_user=caseworker,
        )
    if len(oujda_people) > 24:  # one the stories above leave alone
        private = oujda_people[-1]
        consent = consent_record(
            beneficiary=private,
            purpose="iom_reporting",
            given_on=private.registered_on,
            acting_user=caseworker,
        )
        consent_withdraw(consent=consent, on=demo.today, acting_user=caseworker)


def published_bilan(demo: Demo) -> str:
    """The last quarter's bilan of the Japan project, published, so the donor portal has a
    PDF to download. Generated here rather than waiting for a worker: generation is
    idempotent, so the queued task finds it done."""
    label, period = previous_quarter(demo.today)
    snapshot = bilan_request(
        project=demo.projects["JPN-PROT"], period=period, acting_user=demo.officer
    )
    snapshot = bilan_generate(snapshot_id=snapshot.pk) or snapshot
    snapshot.refresh_from_db()
    bilan_publish(snapshot=snapshot, acting_user=demo.officer)
    return f"Bilan {snapshot.project.code} {label} published (PDF and XLSX)."
