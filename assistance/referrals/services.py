"""Writes of referrals: refer a person, answer (accept or decline), record the outcome.

Each service checks the acting user's rights, validates with full_clean(), writes the audit
entry in the same transaction, and returns the saved object.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assistance.choices import Category, Outcome, ReferralStatus
from assistance.models import Assistance
from assistance.referrals.models import Referral
from assistance.services import assistance_record, recordable_beneficiary
from beneficiaries.choices import ConsentPurpose
from beneficiaries.consents.services import consent_record, live_consent
from beneficiaries.models import Beneficiary, Consent
from beneficiaries.services import beneficiary_share
from core import clock
from core.audit import audit_create, audit_log, diff, snapshot
from core.models import AuditEntry
from partners.access import actor_for
from partners.models import Organisation, Project
from partners.permissions import acting_organisation_id, require_record_keeper, require_writer
from partners.selectors import assert_period_open


@transaction.atomic
def referral_create(
    *,
    beneficiary: Beneficiary,
    category: str,
    consent: bool,
    acting_user,
    to_organisation: Organisation | None = None,
    to_structure: str = "",
    reason: str = "",
    referred_on: datetime.date | None = None,
    project: Project | None = None,
    response_due_on: datetime.date | None = None,
) -> Referral:
    """Refer a person to another partner, or to a public health structure.

    A referral to a partner shares the person with it: it needs the person's live `referral`
    consent for that partner (DESIGN.md section 8). `consent=True` says the person has just
    given it: it is recorded in the ledger (consent_record, in this transaction) when none is
    live. After the person withdrew that consent, the referral is refused whatever `consent`
    says: a new consent is recorded on the person's file first, knowingly. A referral to a
    public structure (named, not a partner) needs `consent=True`.

    A medical referral to a public structure is also an assistance
    (`medical`/`referral_public_health`) whose outcome the indicators count.

    A referral to a partner expects its answer by `response_due_on`: by default
    REFERRAL_RESPONSE_WORKING_DAYS working days (Monday to Friday) after it is sent; past
    that date unanswered, it is overdue for both ends and in their morning digest.
    """
    from_id = acting_organisation_id(acting_user)
    beneficiary = recordable_beneficiary(acting_user, beneficiary)
    shared_with_consent = to_organisation is not None and (
        live_consent(beneficiary, ConsentPurpose.REFERRAL, to_organisation) is not None
    )
    referred_on = referred_on or timezone.localdate()
    if to_organisation is not None and response_due_on is None:
        response_due_on = clock.add_working_days(
            referred_on, settings.REFERRAL_RESPONSE_WORKING_DAYS
        )
    referral = Referral(
        beneficiary=beneficiary,
        from_organisation_id=from_id,
        to_organisation=to_organisation,
        to_structure=to_structure,
        category=category,
        reason=reason,
        consent=consent or shared_with_consent,
        referred_on=referred_on,
        response_due_on=response_due_on,
        project=project,
        created_by=acting_user,
    )
    referral.full_clean()
    if to_organisation is not None:
        require_record_keeper(to_organisation, field="to_organisation")
        if not shared_with_consent:
            _refuse_withdrawn_sharing(beneficiary, to_organisation)
            consent_record(
                beneficiary=beneficiary,
                purpose=ConsentPurpose.REFERRAL,
                recipient=to_organisation,
                given_on=referral.referred_on,
                acting_user=acting_user,
            )
    if not to_organisation and category == Category.MEDICAL:
        referral.assistance = assistance_record(
            beneficiary=beneficiary,
            category=Category.MEDICAL,
            subtype="referral_public_health",
            delivered_on=referral.referred_on,
            project=project,
            outcome=Outcome.PENDING,
            acting_user=acting_user,
            notes=to_structure,
            provider=from_id,
        )
    referral.save()
    audit_create(actor=acting_user, instance=referral)
    return referral


def _refuse_withdrawn_sharing(beneficiary: Beneficiary, organisation: Organisation) -> None:
    """A withdrawn consent stops new sharing at once: ticking a box does not undo it."""
    withdrawn = (
        Consent.objects.filter(
            beneficiary=beneficiary, purpose=ConsentPurpose.REFERRAL, recipient=organisation
        )
        .exclude(withdrawn_on=None)
        .order_by("-withdrawn_on")
        .first()
    )
    if withdrawn is not None:
        raise ValidationError(
            {
                "consent": _(
                    "La personne a retiré le %(date)s son consentement à être partagée avec "
                    "%(organisation)s : enregistrez d'abord son nouveau consentement sur sa fiche."
                )
                % {
                    "date": date_format(withdrawn.withdrawn_on, "SHORT_DATE_FORMAT"),
                    "organisation": organisation,
                }
            }
        )


def _locked_referral(acting_user, referral: Referral) -> Referral:
    require_writer(acting_user)
    current = (
        Referral.objects.visible_to(acting_user).select_for_update().filter(pk=referral.pk).first()
    )
    if current is None:
        raise PermissionDenied(_("Ce référencement n'est pas accessible."))
    return current


@transaction.atomic
def referral_respond(
    *,
    referral: Referral,
    accept: bool,
    acting_user,
    decline_reason: str = "",
    decline_note: str = "",
) -> Referral:
    """The receiving partner accepts (and gains access to the person) or declines, giving a
    reason from DeclineReason (with a note, required for `other`) that the sender reads."""
    current = _locked_referral(acting_user, referral)
    actor = actor_for(acting_user)
    if current.to_organisation_id is None or (
        not actor.sees_everything and current.to_organisation_id != actor.organisation_id
    ):
        raise PermissionDenied(_("Seul le partenaire destinataire peut répondre."))
    if current.status != ReferralStatus.PENDING:
        raise ValidationError(_("Ce référencement a déjà reçu une réponse."))
    if (
        accept
        and live_consent(
            current.beneficiary_id, ConsentPurpose.REFERRAL, current.to_organisation_id
        )
        is None
    ):
        # Withdrawn after the referral was sent: the partner may still decline it.
        raise ValidationError(
            {
                "consent": _(
                    "La personne a retiré son consentement à être partagée avec votre "
                    "organisation : ce référencement ne peut plus être accepté."
                )
            }
        )
    before = snapshot(current)
    current.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    current.responded_at = timezone.now()
    if not accept:
        current.outcome = Outcome.DECLINED
        current.decline_reason = decline_reason
        current.decline_note = decline_note or ""
    current.full_clean()
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "responded_at",
            "outcome",
            "decline_reason",
            "decline_note",
            "version",
            "updated_at",
        ]
    )
    if accept:
        beneficiary_share(
            beneficiary=current.beneficiary,
            organisation=current.to_organisation,
            referral=current,
            acting_user=acting_user,
        )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes=diff(before, snapshot(current)),
    )
    return current


@transaction.atomic
def referral_record_outcome(
    *, referral: Referral, outcome: str, acting_user, outcome_on: datetime.date | None = None
) -> Referral:
    """Record whether the service was finally received; both ends see it. The receiving
    partner records it once it has accepted; the sender, for a referral to an outside
    structure. For a public health referral the linked assistance carries the same outcome."""
    current = _locked_referral(acting_user, referral)
    actor = actor_for(acting_user)
    recorder_id = current.outcome_recorder_id
    if recorder_id is None:
        raise ValidationError(
            {
                "outcome": _(
                    "L'issue s'enregistre une fois le référencement accepté par le partenaire."
                )
            }
        )
    if not actor.sees_everything and actor.organisation_id != recorder_id:
        raise PermissionDenied(
            _("Seul le partenaire qui a accepté le référencement en enregistre l'issue.")
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Issue inconnue.")})
    before = snapshot(current)
    current.outcome = outcome
    current.outcome_on = outcome_on or timezone.localdate()
    current.full_clean()
    current.version += 1
    current.save()
    if current.assistance_id:
        linked = Assistance.objects.select_for_update().get(pk=current.assistance_id)
        if linked.outcome != outcome:
            assert_period_open(linked.project_id, linked.delivered_on)
            previous = linked.outcome
            linked.outcome = outcome
            linked.version += 1
            linked.save(update_fields=["outcome", "version", "updated_at"])
            audit_log(
                actor=acting_user,
                action=AuditEntry.Action.UPDATE,
                instance=linked,
                changes={"outcome": [previous, outcome]},
            )
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes=diff(before, snapshot(current)),
    )
    return current
