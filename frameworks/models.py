"""The code lists a mission reports against (DESIGN.md §9): IOM Morocco's thematic axes and
their sub-themes, and the frameworks a project contributes to (SDG targets, Global Compact
objectives, the national strategy's specific objectives).

Reference data, seeded by data migrations and edited by IOM officers in the admin. Projects
(`partners.Project.axes`, `.objectives`) and catalogue indicators
(`reporting.Indicator.sub_theme`) point at them; the mission bilan groups its figures by axis.
The codes are a contract of the bilan JSON (`by_axis`): never rename a seeded one.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import UserTextMixin


class LabelledCode(UserTextMixin, models.Model):
    """A code with its label in the three languages of the product."""

    USER_TEXT_FIELDS = ("label_fr", "label_en", "label_ar")

    label_fr = models.CharField(_("libellé (français)"), max_length=300)
    label_en = models.CharField(_("libellé (anglais)"), max_length=300)
    label_ar = models.CharField(_("libellé (arabe)"), max_length=300)
    ordering = models.PositiveSmallIntegerField(_("ordre"), default=100)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        abstract = True

    def label(self, language: str | None = None) -> str:
        """The label in `language` (default: the active one), French when missing."""
        language = (language or get_language() or "fr")[:2]
        return getattr(self, f"label_{language}", "") or self.label_fr


class Axis(LabelledCode):
    """One of IOM Morocco's thematic axes of intervention (annual bilan 2022)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("axe d'intervention")
        verbose_name_plural = _("axes d'intervention")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.label()


class SubTheme(LabelledCode):
    """A sub-theme of an axis (e.g. under protection: medical assistance, AVRR)."""

    axis = models.ForeignKey(
        Axis, verbose_name=_("axe"), on_delete=models.PROTECT, related_name="sub_themes"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("sous-thématique")
        verbose_name_plural = _("sous-thématiques")
        ordering = ["axis__ordering", "ordering", "code"]

    def __str__(self) -> str:
        return f"{self.axis.label()} — {self.label()}"


class FrameworkKind(models.TextChoices):
    SDG = "sdg", _("Objectifs de développement durable (ODD)")
    GCM = "gcm", _("Pacte mondial pour les migrations (PMM)")
    SNIA = "snia", _("Stratégie nationale d'immigration et d'asile (SNIA)")


class FrameworkObjective(LabelledCode):
    """An objective or target of a framework: an SDG goal or target ("10.7"), a Global
    Compact objective ("7"), a specific objective of the SNIA ("OS 5")."""

    kind = models.CharField(_("cadre"), max_length=10, choices=FrameworkKind.choices)
    code = models.CharField(_("code"), max_length=20)

    class Meta:
        verbose_name = _("objectif d'un cadre")
        verbose_name_plural = _("objectifs des cadres")
        ordering = ["kind", "ordering", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="framework_objective_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=FrameworkKind.values), name="framework_objective_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} — {self.label()}"
