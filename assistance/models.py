"""The assistance fact table every indicator counts.

The records around it, the app's other aggregates, have their own packages (`referrals`,
`returns`, `activities`); their models are imported at the end of this module, so Django
registers them with this app and `from assistance.models import Referral` works."""

from __future__ import annotations

import datetime

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
    Outcome,
    Status,
    subtype_choices,
)
from assistance.conditions import VALID_CATEGORY_SUBTYPE, partner_scope
from assistance.identity import IdentityWithheldMixin
from core.countries import validate_country_code
from core.models import TrackedModel
from core.text import UserTextMixin
from partners.access import actor_for

COUNTRY_CODE = Q(country="") | Q(country__regex=r"^[A-Z]{2}$")
# `Assistance.frozen_age` of a person whose age on the day was unknown (no birth date or year,
# or one after the day): the engine then counts them under "unknown", as before.
FROZEN_AGE_UNKNOWN = -1
# `Category.values` builds a new list on every access; clean() runs once per imported row.
CATEGORY_CODES = frozenset(Category.values)


class AssistanceQuerySet(IdentityWithheldMixin, models.QuerySet):
    def visible_to(self, user):
        """IOM sees every row; a partner the rows it delivered and those of the people it
        owns; donors reach assistances only through aggregated reports."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(
                partner_scope(
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
    # The person's whole-year age on `delivered_on` by the engine's rule, stored when their
    # record is pseudonymised (assistance.erasure) and their exact date of birth goes: the
    # fact table then counts this age (reporting migration `fact_frozen_age`), so the figures
    # stay exact without the date. FROZEN_AGE_UNKNOWN: the age was unknown. NULL: not frozen,
    # the age comes from the person's record.
    frozen_age = models.SmallIntegerField(
        _("âge figé à la date"), null=True, blank=True, editable=False
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
            models.CheckConstraint(
                condition=Q(frozen_age__isnull=True) | Q(frozen_age__gte=FROZEN_AGE_UNKNOWN),
                name="assistance_frozen_age_valid",
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


# The app's other aggregates, in the order they were declared when they lived in this module
# (the order Django registers them in). The record of file imports lives with the importer.
# isort: off
from assistance.referrals.models import Referral  # noqa: E402, F401
from assistance.returns.models import ReturnCase  # noqa: E402, F401
from assistance.activities.models import Activity  # noqa: E402, F401
from assistance.importer.models import ImportBatch  # noqa: E402, F401

# isort: on
