"""A group activity and its headcounts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import SUBTYPES, Category, subtype_choices
from assistance.conditions import VALID_CATEGORY_SUBTYPE
from core.text import UserTextMixin
from partners.access import actor_for


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
