"""The consent ledger (DESIGN.md section 8): what a person agreed to, and its withdrawal.

Imported at the end of beneficiaries.models, so Django registers Consent with the app and
`from beneficiaries.models import Consent` works; `Beneficiary.objects.visible_to` reads it
to stop sharing that a person withdrew."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.choices import ConsentPurpose
from beneficiaries.models import Beneficiary
from core import clock
from partners.access import actor_for


class ConsentQuerySet(models.QuerySet):
    def live(self):
        """Given and not withdrawn (a withdrawal is never dated in the future)."""
        return self.filter(withdrawn_on__isnull=True)

    def visible_to(self, user):
        """A person's consents are seen by whoever sees the person; a partner the person was
        shared with reads the consents about sharing with it, not with whom else the owner
        shares them (as it does not see the owner's other referrals)."""
        actor = actor_for(user)
        visible = self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))
        if actor.sees_everything:
            return visible
        return visible.filter(
            Q(beneficiary__organisation_id=actor.organisation_id)
            | ~Q(purpose=ConsentPurpose.REFERRAL)
            | Q(recipient_id=actor.organisation_id)
        )


class Consent(models.Model):
    """One consent a person gave, for one purpose (DESIGN.md section 8), and its withdrawal.

    The ledger is appended to, never rewritten: a consent is recorded once, may be withdrawn
    once, and a new consent for the same purpose is a new row. A `referral` consent names the
    organisation the person agrees to be shared with (`recipient`); the other purposes name
    none. A consent is live while it is not withdrawn; one purpose (and recipient) has at most
    one live consent at a time. `organisation` is the one in whose name it was recorded.
    """

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("bénéficiaire"),
    )
    purpose = models.CharField(_("usage"), max_length=20, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
        verbose_name=_("organisation destinataire"),
        help_text=_(
            "Pour un référencement : l'organisation avec qui la personne accepte d'être partagée."
        ),
    )
    given_on = models.DateField(_("donné le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="consents_recorded",
        verbose_name=_("organisation qui l'a enregistré"),
    )
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retiré par"),
    )
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values), name="consent_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose=ConsentPurpose.REFERRAL, recipient__isnull=False)
                | (~Q(purpose=ConsentPurpose.REFERRAL) & Q(recipient__isnull=True)),
                name="consent_recipient_for_referral_only",
                violation_error_message=_(
                    "Un consentement au référencement nomme l'organisation destinataire ; "
                    "les autres n'en nomment pas."
                ),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Le retrait précède le consentement."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=False)
                | Q(withdrawn_by__isnull=True, withdrawal_reason=""),
                name="consent_withdrawal_fields_when_withdrawn",
            ),
            models.UniqueConstraint(
                fields=["beneficiary", "purpose", "recipient"],
                condition=Q(withdrawn_on__isnull=True),
                nulls_distinct=False,
                name="consent_one_live_per_purpose",
                violation_error_message=_(
                    "La personne a déjà un consentement en cours pour cet usage."
                ),
            ),
        ]
        indexes = [models.Index(fields=["beneficiary", "purpose"])]

    def __str__(self) -> str:
        target = f" → {self.recipient}" if self.recipient_id else ""
        return f"{self.beneficiary_id} {self.purpose}{target} ({self.given_on})"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_on is None

    def clean(self) -> None:
        errors = {}
        today = clock.today()
        if self.purpose == ConsentPurpose.REFERRAL and not self.recipient_id:
            errors["recipient"] = _(
                "Indiquez l'organisation avec qui la personne accepte d'être partagée."
            )
        if self.purpose != ConsentPurpose.REFERRAL and self.recipient_id:
            errors["recipient"] = _("Seul un consentement au référencement nomme une organisation.")
        if (
            self.recipient_id
            and self.beneficiary_id
            and self.recipient_id == self.beneficiary.organisation_id
        ):
            errors["recipient"] = _("L'organisation qui suit la personne n'a pas à être nommée.")
        if self.given_on and self.given_on > today:
            errors["given_on"] = _("La date du consentement est dans le futur.")
        if self.withdrawn_on:
            if self.withdrawn_on > today:
                errors["withdrawn_on"] = _("La date du retrait est dans le futur.")
            elif self.given_on and self.withdrawn_on < self.given_on:
                errors["withdrawn_on"] = _("Le retrait précède le consentement.")
        elif self.withdrawal_reason:
            errors["withdrawal_reason"] = _("Seul un consentement retiré a un motif de retrait.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def sharing_withdrawn(
        purpose: str, *, recipient_id: int | None = None, person: str = "pk"
    ) -> Exists:
        """For a queryset of people (or of rows whose `person` field names one): the person
        withdrew this sharing, a withdrawn consent for it and no live one. People with no
        entry for it have not withdrawn anything."""
        live = Consent.objects.filter(
            beneficiary_id=OuterRef("beneficiary_id"),
            purpose=purpose,
            recipient_id=recipient_id,
            withdrawn_on__isnull=True,
        )
        withdrawn = Consent.objects.filter(
            beneficiary=OuterRef(person),
            purpose=purpose,
            recipient_id=recipient_id,
            withdrawn_on__isnull=False,
        )
        return Exists(withdrawn.filter(~Exists(live)))
