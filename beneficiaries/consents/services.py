"""Writes of the consent ledger: record a consent, withdraw it. Each one is audited.

Only those who may edit the person record or withdraw their consents: the organisation that
registered them, or IOM. The person's `consent` / `consent_on` fields (the import contract,
the form, the API) stay and are mirrored both ways: the person services record a `services`
consent when `consent` is set and none is live and withdraw it when `consent` is cleared
(`mirror_services_consent`); recording or withdrawing a `services` consent here sets or
clears those fields in turn.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beneficiaries.choices import ConsentPurpose
from beneficiaries.models import Beneficiary, Consent
from core import clock
from core.audit import audit_create, audit_log, diff, snapshot
from core.models import AuditEntry
from core.text import plain_text
from partners.access import actor_for
from partners.permissions import require_record_keeper, require_writer


def user_or_none(user):
    return user if getattr(user, "pk", None) else None


def _editable_person(acting_user, beneficiary: Beneficiary) -> Beneficiary:
    """The person, locked, if `acting_user` may edit their record: the organisation that
    registered them, or IOM; refused (PermissionDenied) otherwise, as for an unseen person."""
    actor = require_writer(acting_user)
    current = (
        Beneficiary.objects.visible_to(acting_user)
        .active()
        .select_for_update()
        .filter(pk=beneficiary.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("Ce bénéficiaire n'est pas accessible."))
    if current.pseudonymised_at is not None:
        raise ValidationError(
            _(
                "Les données personnelles de cette personne ont été effacées : plus rien "
                "n'y est inscrit."
            )
        )
    if not actor.sees_everything and current.organisation_id != actor.organisation_id:
        raise PermissionDenied(
            _("Seule l'organisation qui a enregistré la personne gère ses consentements.")
        )
    return current


def live_consent(beneficiary: Beneficiary | int, purpose: str, recipient=None) -> Consent | None:
    """The person's live consent for `purpose` (and `recipient`), if any."""
    return (
        Consent.objects.live()
        .filter(
            beneficiary_id=getattr(beneficiary, "pk", beneficiary),
            purpose=purpose,
            recipient_id=getattr(recipient, "pk", recipient),
        )
        .first()
    )


def _add_consent(
    person: Beneficiary, *, purpose: str, recipient, given_on: datetime.date, acting_user
) -> Consent:
    if live_consent(person, purpose, recipient) is not None:
        raise ValidationError(
            {"purpose": _("La personne a déjà un consentement en cours pour cet usage.")}
        )
    if recipient is not None:
        require_record_keeper(recipient, field="recipient")
    consent = Consent(
        beneficiary=person,
        purpose=purpose,
        recipient=recipient,
        given_on=given_on,
        recorded_by=user_or_none(acting_user),
        organisation_id=actor_for(acting_user).organisation_id or person.organisation_id,
    )
    consent.full_clean()
    consent.save()
    audit_create(actor=acting_user, instance=consent)
    return consent


def _withdraw(consent: Consent, *, on: datetime.date, reason: str, acting_user) -> Consent:
    if not consent.is_live:
        raise ValidationError(_("Ce consentement est déjà retiré."))
    before = snapshot(consent)
    consent.withdrawn_on = on
    consent.withdrawn_by = user_or_none(acting_user)
    # Typed by people: cleaned of control and bidi characters, as UserTextMixin does for the
    # models whose stored text its migrations clean (a new table has none to clean).
    consent.withdrawal_reason = plain_text(reason or "", multiline=True)
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_reason"])
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=consent,
        changes=diff(before, snapshot(consent)),
    )
    return consent


def _set_person_consent(person: Beneficiary, *, given_on, acting_user) -> None:
    """The person's `consent` fields follow their `services` consent in the ledger."""
    consent, consent_on = given_on is not None, given_on
    if person.consent == consent and (not consent or person.consent_on):
        return
    before = snapshot(person)
    person.consent, person.consent_on = consent, consent_on
    person.version += 1
    person.save(update_fields=["consent", "consent_on", "version", "updated_at"])
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=person,
        changes=diff(before, snapshot(person)),
    )


def mirror_services_consent(person: Beneficiary, acting_user) -> None:
    """After a person's record is written: its `consent` field, into the ledger."""
    live = live_consent(person, ConsentPurpose.SERVICES)
    if person.consent and live is None:
        _add_consent(
            person,
            purpose=ConsentPurpose.SERVICES,
            recipient=None,
            given_on=person.consent_on or clock.today(),
            acting_user=acting_user,
        )
    elif not person.consent and live is not None:
        _withdraw(live, on=max(clock.today(), live.given_on), reason="", acting_user=acting_user)


@transaction.atomic
def consent_record(
    *,
    beneficiary: Beneficiary,
    purpose: str,
    given_on: datetime.date,
    acting_user,
    recipient=None,
) -> Consent:
    """Record that the person consented to `purpose` on `given_on` (not in the future); a
    `referral` consent names the organisation they agree to be shared with (`recipient`).

    Only those who may edit the person record it (their organisation, or IOM). A second live
    consent for the same purpose and recipient is refused (ValidationError on `purpose`): a
    consent is recorded once, not refreshed. A `services` consent also sets the person's
    `consent` fields."""
    person = _editable_person(acting_user, beneficiary)
    consent = _add_consent(
        person, purpose=purpose, recipient=recipient, given_on=given_on, acting_user=acting_user
    )
    if purpose == ConsentPurpose.SERVICES:
        _set_person_consent(person, given_on=given_on, acting_user=acting_user)
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, on: datetime.date, acting_user, reason: str = ""
) -> Consent:
    """The person withdraws a consent on `on` (not before it was given, not in the future).

    Sharing stops at once, through `Beneficiary.objects.visible_to`: a partner the person was
    referred to no longer sees them after its `referral` consent is withdrawn, IOM no longer
    sees a person whose `iom_reporting` consent is withdrawn (the figures still count them), and
    a pending referral to that partner can no longer be accepted. Withdrawing the `services`
    consent clears the person's `consent` fields."""
    _editable_person(acting_user, consent.beneficiary)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    current = _withdraw(current, on=on, reason=reason, acting_user=acting_user)
    if current.purpose == ConsentPurpose.SERVICES:
        person = Beneficiary.objects.get(pk=current.beneficiary_id)
        _set_person_consent(person, given_on=None, acting_user=acting_user)
    return current
