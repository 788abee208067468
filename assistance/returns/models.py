"""A return case (AVRR) and its stages, from counselling to closing."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import ReturnDirection, ReturnStage
from assistance.conditions import partner_scope
from assistance.identity import IdentityWithheldMixin
from core.countries import validate_country_code
from core.models import TrackedModel
from core.text import UserTextMixin
from partners.access import actor_for


class ReturnCaseQuerySet(IdentityWithheldMixin, models.QuerySet):
    def visible_to(self, user):
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(
                partner_scope(
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
