"""A referral and the rules of its answer and outcome."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category, DeclineReason, Outcome, ReferralStatus
from assistance.identity import identity_withheld, withdrawn_for
from core import clock
from core.models import TrackedModel
from core.text import UserTextMixin, plain_text
from partners.access import actor_for


def decline_errors(reason: str, note: str) -> dict:
    """What is missing from the answer of a partner declining a referral (the model's rule,
    also asked by the decline form before its confirmation step)."""
    if not reason:
        return {"decline_reason": _("Indiquez le motif du refus.")}
    if reason == DeclineReason.OTHER and not plain_text(note or "", multiline=True):
        return {"decline_note": _("Précisez le motif du refus.")}
    return {}


def overdue_condition(today=None) -> Q:
    """A referral sent to a partner, still unanswered after its response deadline."""
    return Q(
        status=ReferralStatus.PENDING,
        to_organisation__isnull=False,
        response_due_on__lt=today or clock.today(),
    )


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Both ends of a referral see it; IOM sees all; donors none."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(
                Q(from_organisation_id=actor.organisation_id)
                | Q(to_organisation_id=actor.organisation_id)
            )
        return self.none()

    def with_identity_withheld(self, user):
        """Annotate `identity_withheld`: the viewer may see the referral but no longer the
        person it names, who withdrew sharing with the viewer's organisation (the receiving
        partner's `referral` consent, IOM's `iom_reporting`): the pages then show the
        referral without the person's identity. The organisation that owns the person
        always sees it."""
        condition = withdrawn_for(user)
        if not actor_for(user).sees_everything:
            # A partner sees the referrals it sent and those it received: only the latter
            # shared the person with it.
            condition &= Q(to_organisation_id=actor_for(user).organisation_id)
        return self.annotate(identity_withheld=identity_withheld(condition))

    def awaiting_answer(self):
        """Sent to a partner, which has not answered yet (a referral to an outside structure
        awaits no answer)."""
        return self.filter(status=ReferralStatus.PENDING, to_organisation__isnull=False)

    def overdue(self, today=None):
        """Awaiting an answer after its response deadline (`response_due_on`)."""
        return self.filter(overdue_condition(today))


class Referral(UserTextMixin, TrackedModel):
    """A person sent by one organisation to another partner or to a public health structure.

    When the receiving partner accepts, it gains access to the person. The outcome says
    whether the service was finally received.
    """

    USER_TEXT_FIELDS = ("to_structure",)
    USER_MULTILINE_FIELDS = ("reason", "decline_note")

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("bénéficiaire"),
    )
    from_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("organisation d'origine"),
    )
    to_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        null=True,
        blank=True,
        verbose_name=_("partenaire destinataire"),
    )
    to_structure = models.CharField(
        _("structure de santé publique"),
        max_length=200,
        blank=True,
        help_text=_(
            "Quand la personne est référée hors des partenaires (hôpital, centre de santé…)."
        ),
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    reason = models.TextField(_("motif"), blank=True)
    referred_on = models.DateField(_("date du référencement"), default=timezone.localdate)
    consent = models.BooleanField(_("consentement de la personne"), default=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    responded_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    response_due_on = models.DateField(
        _("réponse attendue le"),
        null=True,
        blank=True,
        help_text=_(
            "Passée cette date sans réponse du partenaire, le référencement est en retard."
        ),
    )
    decline_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(
        _("précisions sur le refus"),
        blank=True,
        help_text=_("Obligatoire pour le motif « Autre » ; l'organisation d'origine les lit."),
    )
    outcome = models.CharField(
        _("issue"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_on = models.DateField(_("date de l'issue"), null=True, blank=True)
    project = models.ForeignKey(
        "partners.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("projet"),
    )
    assistance = models.OneToOneField(
        "assistance.Assistance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("assistance de référencement"),
        help_text=_(
            "Pour la santé publique : la ligne `referral_public_health` qui porte "
            "l'issue comptée dans les indicateurs."
        ),
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("référencement")
        verbose_name_plural = _("référencements")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_organisation__isnull=False) | ~Q(to_structure=""),
                name="referral_has_destination",
                violation_error_message=_("Indiquez un partenaire ou une structure."),
            ),
            models.CheckConstraint(
                condition=Q(consent=True),
                name="referral_requires_consent",
                violation_error_message=_("Le consentement de la personne est requis."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="referral_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="referral_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(to_organisation__isnull=True)
                | ~Q(to_organisation=models.F("from_organisation")),
                name="referral_not_to_itself",
            ),
            # Required when declining (clean() and referral_respond); referrals declined before
            # the reason was asked have none, so the database only keeps it to declined ones.
            models.CheckConstraint(
                condition=Q(decline_reason="")
                | Q(status=ReferralStatus.DECLINED, decline_reason__in=DeclineReason.values),
                name="referral_decline_reason_when_declined",
            ),
        ]
        indexes = [models.Index(fields=["to_organisation", "status"])]

    def __str__(self) -> str:
        target = self.to_organisation or self.to_structure
        return f"{self.beneficiary_id} → {target} ({self.referred_on})"

    def clean(self) -> None:
        errors = {}
        if not self.to_organisation_id and not self.to_structure:
            errors["to_organisation"] = _("Indiquez un partenaire ou une structure.")
        if self.to_organisation_id and self.to_structure:
            errors["to_structure"] = _(
                "Choisissez soit un partenaire, soit une structure, pas les deux."
            )
        if self.to_organisation_id and self.to_organisation_id == self.from_organisation_id:
            errors["to_organisation"] = _("On ne réfère pas vers sa propre organisation.")
        if not self.consent:
            errors["consent"] = _("Le consentement de la personne est requis pour la référer.")
        if self.outcome_on and self.referred_on and self.outcome_on < self.referred_on:
            errors["outcome_on"] = _("L'issue précède le référencement.")
        if self.response_due_on:
            if not self.to_organisation_id:
                errors["response_due_on"] = _(
                    "Seul un référencement vers un partenaire attend une réponse."
                )
            elif self.referred_on and self.response_due_on < self.referred_on:
                errors["response_due_on"] = _(
                    "La réponse ne peut pas être attendue avant la date du référencement."
                )
        errors.update(self._answer_errors())
        if errors:
            raise ValidationError(errors)

    def _answer_errors(self) -> dict:
        """The referral's state machine: a partner's answer (a decline needs a reason), then
        an outcome only once the referral is accepted."""
        errors = {}
        if self.status == ReferralStatus.DECLINED:
            errors.update(decline_errors(self.decline_reason, self.decline_note))
        elif self.decline_reason or self.decline_note:
            errors["decline_reason"] = _("Seul un référencement refusé a un motif de refus.")
        if self.to_organisation_id and self.status != ReferralStatus.ACCEPTED:
            expected = (
                Outcome.DECLINED if self.status == ReferralStatus.DECLINED else Outcome.PENDING
            )
            if self.outcome != expected:
                errors["outcome"] = _(
                    "L'issue s'enregistre une fois le référencement accepté par le partenaire."
                )
        return errors

    @property
    def is_overdue(self) -> bool:
        """Still awaiting the partner's answer after its response deadline (the rule of
        ReferralQuerySet.overdue, for one row already read)."""
        return bool(
            self.to_organisation_id
            and self.status == ReferralStatus.PENDING
            and self.response_due_on
            and self.response_due_on < clock.today()
        )

    @property
    def outcome_recorder_id(self) -> int | None:
        """The organisation that records whether the service was received: the receiving
        partner once it has accepted (it delivers the service); the sender for a referral
        outside the partners, which no one answers; nobody while an answer is awaited or
        after a decline."""
        if self.to_organisation_id is None:
            return self.from_organisation_id
        if self.status == ReferralStatus.ACCEPTED:
            return self.to_organisation_id
        return None
