"""The assistance fact table every indicator counts, and the records around it."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import (
    COUNTRY_REQUIRED,
    RETURN_SUBTYPES,
    SUBTYPES,
    Category,
    DeclineReason,
    Outcome,
    ReferralStatus,
    ReturnDirection,
    ReturnStage,
    Status,
    subtype_choices,
)
from core.countries import validate_country_code
from core.models import TrackedModel
from core.text import UserTextMixin, plain_text
from partners.access import actor_for

VALID_CATEGORY_SUBTYPE = reduce(
    or_, (Q(category=category, subtype__in=subtypes) for category, subtypes in SUBTYPES.items())
)
COUNTRY_CODE = Q(country="") | Q(country__regex=r"^[A-Z]{2}$")
# `Category.values` builds a new list on every access; clean() runs once per imported row.
CATEGORY_CODES = frozenset(Category.values)


def _partner_scope(actor, *, organisation_field: str, beneficiary_field: str | None):
    condition = Q(**{organisation_field: actor.organisation_id})
    if beneficiary_field:
        condition |= Q(**{f"{beneficiary_field}__organisation_id": actor.organisation_id})
    return condition


class AssistanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """IOM sees every row; a partner the rows it delivered and those of the people it
        owns; donors reach assistances only through aggregated reports."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(
                _partner_scope(
                    actor, organisation_field="provider_id", beneficiary_field="beneficiary"
                )
            )
        return self.none()

    def delivered(self):
        return self.filter(status=Status.DELIVERED)


class Assistance(UserTextMixin, TrackedModel):
    """One service delivered (or planned) to one person. Only `delivered` rows count."""

    USER_TEXT_FIELDS = ("assistance_ref",)
    USER_MULTILINE_FIELDS = ("notes",)

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("bénéficiaire"),
        on_delete=models.PROTECT,
        related_name="assistances",
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    subtype = models.CharField(_("type"), max_length=32, choices=subtype_choices())
    delivered_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DELIVERED
    )
    provider = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation prestataire"),
        on_delete=models.PROTECT,
        related_name="assistances_provided",
    )
    project = models.ForeignKey(
        "partners.Project",
        verbose_name=_("projet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistances",
    )
    city = models.ForeignKey(
        "partners.City",
        verbose_name=_("ville"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistances",
    )
    country = models.CharField(
        _("pays"),
        max_length=2,
        blank=True,
        validators=[validate_country_code],
        help_text=_(
            "Retours : pays de retour (depuis le Maroc) ou pays d'accueil quitté (vers le Maroc)."
        ),
    )
    quantity = models.DecimalField(
        _("quantité"), max_digits=10, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    value_mad = models.DecimalField(
        _("valeur (MAD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    outcome = models.CharField(_("issue"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    assistance_ref = models.CharField(
        _("référence de l'assistance"),
        max_length=64,
        blank=True,
        help_text=_("L'identifiant de la ligne chez le partenaire (import)."),
    )
    activity = models.ForeignKey(
        "assistance.Activity",
        verbose_name=_("activité de groupe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistances",
    )
    return_case = models.ForeignKey(
        "assistance.ReturnCase",
        verbose_name=_("dossier de retour"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistances",
    )

    objects = AssistanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistances")
        ordering = ["-delivered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="assistance_category_valid"
            ),
            models.CheckConstraint(
                condition=VALID_CATEGORY_SUBTYPE,
                name="assistance_subtype_of_category",
                violation_error_message=_("Ce type n'appartient pas à cette catégorie."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="assistance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                name="assistance_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="assistance_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value_mad__isnull=True) | Q(value_mad__gte=0),
                name="assistance_value_not_negative",
            ),
            models.CheckConstraint(condition=COUNTRY_CODE, name="assistance_country_iso2"),
            models.CheckConstraint(
                condition=~Q(
                    category=Category.AVRR,
                    subtype__in=list(RETURN_SUBTYPES),
                    country="",
                ),
                name="assistance_return_has_country",
                violation_error_message=_("Un retour doit indiquer le pays."),
            ),
            models.UniqueConstraint(
                fields=["provider", "assistance_ref"],
                condition=~Q(assistance_ref=""),
                name="assistance_ref_unique_per_provider",
                violation_error_message=_(
                    "Cette référence d'assistance existe déjà pour votre organisation."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["delivered_on"], name="assistance_delivered_on"),
            models.Index(fields=["project", "delivered_on"], name="assistance_project_date"),
            models.Index(fields=["category", "subtype"], name="assistance_category"),
            models.Index(fields=["provider", "delivered_on"], name="assistance_provider_date"),
            models.Index(fields=["beneficiary", "delivered_on"], name="assistance_person_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} / {self.subtype} — {self.delivered_on}"

    def get_subtype_display(self) -> str:
        return dict(subtype_choices()).get(self.subtype, self.subtype)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.category and self.subtype and self.subtype not in SUBTYPES.get(self.category, ()):
            errors["subtype"] = _(
                "Le type « %(subtype)s » n'appartient pas à la catégorie « %(category)s »."
            ) % {"subtype": self.subtype, "category": self.category}
        if self.category and self.category not in CATEGORY_CODES:
            errors["category"] = _("Catégorie inconnue : %(category)s") % {
                "category": self.category
            }
        if ((self.category, self.subtype) in COUNTRY_REQUIRED) and not self.country:
            errors["country"] = _("Un retour doit indiquer le pays.")
        if self.outcome and self.status == Status.PLANNED and self.outcome != Outcome.PENDING:
            errors["outcome"] = _("Une assistance prévue ne peut pas avoir d'issue.")
        delivered_on = self.delivered_on
        if isinstance(delivered_on, datetime.date):
            if self.status == Status.DELIVERED and delivered_on > timezone.localdate():
                errors["delivered_on"] = _(
                    "Une assistance délivrée ne peut pas être datée dans le futur."
                )
            if self.beneficiary_id:
                born = self.beneficiary.date_of_birth
                birth_year = self.beneficiary.birth_year
                if (born and delivered_on < born) or (
                    not born and birth_year and delivered_on.year < birth_year
                ):
                    errors["delivered_on"] = _(
                        "L'assistance est datée d'avant la naissance du bénéficiaire."
                    )
            if self.project_id and not self.project.covers(delivered_on):
                errors["project"] = _(
                    "La date %(date)s est hors de la période du projet (%(start)s – %(end)s)."
                ) % {"date": delivered_on, "start": self.project.start, "end": self.project.end}
        if errors:
            raise ValidationError(errors)


def decline_errors(reason: str, note: str) -> dict:
    """What is missing from the answer of a partner declining a referral (the model's rule,
    also asked by the decline form before its confirmation step)."""
    if not reason:
        return {"decline_reason": _("Indiquez le motif du refus.")}
    if reason == DeclineReason.OTHER and not plain_text(note or "", multiline=True):
        return {"decline_note": _("Précisez le motif du refus.")}
    return {}


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
        Assistance,
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


class ReturnCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(
                _partner_scope(
                    actor, organisation_field="organisation_id", beneficiary_field="beneficiary"
                )
            )
        return self.none()


class ReturnCase(UserTextMixin, TrackedModel):
    """The assisted voluntary return and reintegration (AVRR) life cycle of one person."""

    USER_MULTILINE_FIELDS = ("notes",)

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="return_cases",
        verbose_name=_("bénéficiaire"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="return_cases",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "partners.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_cases",
        verbose_name=_("projet"),
    )
    direction = models.CharField(
        _("sens"),
        max_length=16,
        choices=ReturnDirection.choices,
        default=ReturnDirection.FROM_MOROCCO,
    )
    country = models.CharField(
        _("pays"),
        max_length=2,
        validators=[validate_country_code],
        help_text=_("Pays de retour, ou pays d'accueil quitté."),
    )
    stage = models.CharField(
        _("étape"), max_length=16, choices=ReturnStage.choices, default=ReturnStage.COUNSELLING
    )
    opened_on = models.DateField(_("ouvert le"), default=timezone.localdate)
    returned_on = models.DateField(_("date du retour"), null=True, blank=True)
    closed_on = models.DateField(_("clôturé le"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ReturnCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier de retour")
        verbose_name_plural = _("dossiers de retour")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=ReturnStage.values), name="return_case_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=ReturnDirection.values),
                name="return_case_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="return_case_country_iso2"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("opened_on")),
                name="return_case_returned_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"AVRR {self.beneficiary_id} → {self.country} ({self.get_stage_display()})"


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(organisation_id=actor.organisation_id)
        return self.none()


class Activity(UserTextMixin, models.Model):
    """A group activity (awareness session, workshop, distribution) with its headcounts.

    Registered participants get one Assistance row each (linked here); the headcounts also
    cover anonymous participants.
    """

    USER_TEXT_FIELDS = ("title",)

    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "partners.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("projet"),
    )
    city = models.ForeignKey(
        "partners.City",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("ville"),
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    subtype = models.CharField(_("type"), max_length=32, choices=subtype_choices())
    title = models.CharField(_("intitulé"), max_length=200)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    women = models.PositiveIntegerField(_("femmes"), default=0)
    girls = models.PositiveIntegerField(_("filles"), default=0)
    men = models.PositiveIntegerField(_("hommes"), default=0)
    boys = models.PositiveIntegerField(_("garçons"), default=0)
    unknown = models.PositiveIntegerField(_("sexe ou âge inconnu"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activité de groupe")
        verbose_name_plural = _("activités de groupe")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=VALID_CATEGORY_SUBTYPE, name="activity_subtype_of_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    @property
    def headcount(self) -> int:
        return self.women + self.girls + self.men + self.boys + self.unknown

    def clean(self) -> None:
        if self.category and self.subtype and self.subtype not in SUBTYPES.get(self.category, ()):
            raise ValidationError({"subtype": _("Ce type n'appartient pas à cette catégorie.")})
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError(
                {"held_on": _("L'activité ne peut pas être datée dans le futur.")}
            )
        if not self.headcount:
            raise ValidationError(
                _(
                    "Sélectionnez au moins une personne ou indiquez le nombre de participant·es "
                    "non enregistré·es."
                )
            )


# The record of file imports lives with the importer; imported here so Django registers it.
from assistance.importer.models import ImportBatch  # noqa: E402, F401
