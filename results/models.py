"""A project's results framework (DESIGN.md §9): what the project promises, measured by the
catalogue's indicators.

An `ExpectedResult` is a statement of the project sheet ("Ces bénéficiaires auront accès …");
each of its `Target`s names a catalogue indicator, a baseline and the value to reach, for the
whole project or split by implementing partner and/or city, optionally by sex. Achieved is
never stored: it is the indicator's figure over a period (results.selectors.progress).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import UserTextMixin
from partners.models import City, Organisation, Project
from reporting.models import Indicator

# Bounds of one framework, so a page, the bilan and the import stay a bounded loop.
MAX_RESULTS_PER_PROJECT = 50
MAX_TARGETS_PER_PROJECT = 300


class ExpectedResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers: every framework; partner staff: the projects they implement; donors:
        the projects they fund (read only); anyone else: nothing."""
        return self.filter(project__in=Project.objects.visible_to(user))


class ExpectedResult(UserTextMixin, models.Model):
    """One expected result of a project, in the words of its project sheet."""

    USER_TEXT_FIELDS = ("statement_fr", "statement_en", "statement_ar")

    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        related_name="expected_results",
    )
    ordering = models.PositiveSmallIntegerField(_("ordre"), default=1)
    statement_fr = models.CharField(_("résultat attendu (français)"), max_length=500)
    statement_en = models.CharField(_("résultat attendu (anglais)"), max_length=500, blank=True)
    statement_ar = models.CharField(_("résultat attendu (arabe)"), max_length=500, blank=True)

    objects = ExpectedResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("résultat attendu")
        verbose_name_plural = _("résultats attendus")
        ordering = ["project", "ordering", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(statement_fr=""), name="expected_result_statement_fr_required"
            ),
            models.UniqueConstraint(
                fields=["project", "statement_fr"], name="expected_result_unique_statement"
            ),
        ]

    def __str__(self) -> str:
        return self.statement()

    def statement(self, language: str | None = None) -> str:
        """The statement in `language` (default: the active one), French when missing."""
        language = (language or get_language() or "fr")[:2]
        return getattr(self, f"statement_{language}", "") or self.statement_fr


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(result__project__in=Project.objects.visible_to(user))


class Target(models.Model):
    """What an indicator must reach for an expected result: for the whole project, or for
    one implementing partner and/or one city (a split target); optionally by sex."""

    result = models.ForeignKey(
        ExpectedResult,
        verbose_name=_("résultat attendu"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.PROTECT, related_name="targets"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partenaire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text=_("Vide : tout le projet."),
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("ville"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text=_("Vide : toutes les villes."),
    )
    baseline = models.PositiveIntegerField(_("valeur de référence"), default=0)
    target_total = models.PositiveIntegerField(_("valeur cible (total)"))
    target_female = models.PositiveIntegerField(_("dont femmes et filles"), null=True, blank=True)
    target_male = models.PositiveIntegerField(_("dont hommes et garçons"), null=True, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("valeur cible")
        verbose_name_plural = _("valeurs cibles")
        ordering = ["result__ordering", "result_id", "indicator__ordering", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "indicator", "organisation", "city"],
                name="target_unique_cut",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(target_total__gt=0), name="target_total_positive"),
            models.CheckConstraint(
                condition=Q(target_female__isnull=True)
                | Q(target_male__isnull=True)
                | Q(target_female__lte=F("target_total") - F("target_male")),
                name="target_by_sex_within_total",
            ),
            models.CheckConstraint(
                condition=Q(target_female__isnull=True) | Q(target_female__lte=F("target_total")),
                name="target_female_within_total",
            ),
            models.CheckConstraint(
                condition=Q(target_male__isnull=True) | Q(target_male__lte=F("target_total")),
                name="target_male_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} → {self.target_total}"

    @property
    def by_sex(self) -> bool:
        return self.target_female is not None or self.target_male is not None

    def clean(self) -> None:
        errors = {}
        if self.target_total is not None and self.target_total <= 0:
            errors["target_total"] = _("La valeur cible doit être supérieure à 0.")
        female, male = self.target_female or 0, self.target_male or 0
        if self.target_total and female + male > self.target_total:
            errors["target_male" if self.target_male is not None else "target_female"] = _(
                "Femmes et hommes ensemble dépassent la valeur cible totale."
            )
        if self.result_id:
            project = self.result.project
            if (
                self.organisation_id
                and not project.partners.filter(pk=self.organisation_id).exists()
            ):
                errors["organisation"] = _("Ce partenaire ne met pas en œuvre le projet.")
            if (
                self.city_id
                and project.cities.exists()
                and not project.cities.filter(pk=self.city_id).exists()
            ):
                errors["city"] = _("Le projet n'intervient pas dans cette ville.")
        if self.indicator_id and not self.indicator.is_active:
            errors["indicator"] = _("Cet indicateur n'est plus actif dans le catalogue.")
        if errors:
            raise ValidationError(errors)
