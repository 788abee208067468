"""Capacity building (issue 15): trainings, workshops and coordination meetings for
professionals, with their participants counted by institution and sex.

Participants are professionals (a ministry's staff, an NGO's, a hospital's), not persons
assisted: nothing here is an `Assistance`, and the bilans count them in their own section
(`capacity.selectors.capacity_figures`), never in the persons reached.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from capacity.choices import (
    COUNT_FIELDS,
    SEX_KEYS,
    EventKind,
    Institution,
    ParticipantSex,
    count_field,
)
from core.models import TrackedModel
from core.text import UserTextMixin
from partners.access import actor_for

# A count above this is a typing error (an event of 100,000 professionals is not one).
MAX_COUNT = 100_000
# Named participants of one event (a bound on every form, body and loop that writes them).
MAX_NAMED_PARTICIPANTS = 300


def _count(institution: Institution, sex_label) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        format_lazy("{} — {}", institution.label, sex_label),
        default=0,
        validators=[MaxValueValidator(MAX_COUNT)],
    )


_F, _M, _U = _("femmes"), _("hommes"), _("sexe non renseigné")


class CapacityEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """IOM officers see every event; partner staff their organisation's; donors none (they
        read the counts in the bilans of their projects only)."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(organisation_id=actor.organisation_id)
        return self.none()


class CapacityEvent(UserTextMixin, TrackedModel):
    """A training, workshop or coordination meeting run by an organisation, with its
    participants counted by institution type × sex (one column per cell: the counts are
    summed by one aggregate query, and the database refuses a negative one)."""

    USER_TEXT_FIELDS = ("title",)
    USER_MULTILINE_FIELDS = ("notes",)

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="capacity_events",
    )
    project = models.ForeignKey(
        "partners.Project",
        verbose_name=_("projet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_events",
    )
    city = models.ForeignKey(
        "partners.City",
        verbose_name=_("ville"),
        on_delete=models.PROTECT,
        related_name="capacity_events",
    )
    kind = models.CharField(_("type d'événement"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    start = models.DateField(_("date (début)"))
    end = models.DateField(_("fin"), null=True, blank=True)
    sub_theme = models.ForeignKey(
        "frameworks.SubTheme",
        verbose_name=_("sous-thématique"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_events",
    )
    notes = models.TextField(_("notes"), blank=True)

    government_f = _count(Institution.GOVERNMENT, _F)
    government_m = _count(Institution.GOVERNMENT, _M)
    government_unknown = _count(Institution.GOVERNMENT, _U)
    civil_society_f = _count(Institution.CIVIL_SOCIETY, _F)
    civil_society_m = _count(Institution.CIVIL_SOCIETY, _M)
    civil_society_unknown = _count(Institution.CIVIL_SOCIETY, _U)
    health_staff_f = _count(Institution.HEALTH_STAFF, _F)
    health_staff_m = _count(Institution.HEALTH_STAFF, _M)
    health_staff_unknown = _count(Institution.HEALTH_STAFF, _U)
    iom_f = _count(Institution.IOM, _F)
    iom_m = _count(Institution.IOM, _M)
    iom_unknown = _count(Institution.IOM, _U)
    other_f = _count(Institution.OTHER, _F)
    other_m = _count(Institution.OTHER, _M)
    other_unknown = _count(Institution.OTHER, _U)

    objects = CapacityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement de renforcement des capacités")
        verbose_name_plural = _("événements de renforcement des capacités")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="capacity_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="capacity_event_end_after_start",
                violation_error_message=_("La fin précède le début."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": MAX_COUNT}),
                    name=f"capacity_event_{name}_range",
                )
                for name in COUNT_FIELDS
            ),
            models.CheckConstraint(
                condition=~Q(**{name: 0 for name in COUNT_FIELDS}),
                name="capacity_event_has_participants",
                violation_error_message=_("Indiquez au moins un·e participant·e."),
            ),
        ]
        indexes = [
            models.Index(fields=["start"], name="capacity_event_start"),
            models.Index(fields=["project", "start"], name="capacity_event_project_start"),
            models.Index(fields=["organisation", "start"], name="capacity_event_org_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start})"

    def count(self, institution: str, sex: str) -> int:
        return getattr(self, count_field(institution, sex))

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in COUNT_FIELDS)

    def counts(self) -> dict[str, dict[str, int]]:
        """{institution: {"F": n, "M": n, "unknown": n}} of this event."""
        return {
            institution: {sex: self.count(institution, sex) for sex in SEX_KEYS}
            for institution in Institution.values
        }

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("La fin précède le début.")
        if self.project_id and self.start and not self.project.covers(self.start):
            errors["project"] = _(
                "La date %(date)s est hors de la période du projet (%(start)s – %(end)s)."
            ) % {"date": self.start, "start": self.project.start, "end": self.project.end}
        if errors:
            raise ValidationError(errors)


class EventParticipantQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The named participants of the events `user` sees: never a donor's."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(event__organisation_id=actor.organisation_id)
        return self.none()


class EventParticipant(UserTextMixin, models.Model):
    """A named participant of an event: a professional, not a beneficiary. Personal data: the
    name never enters the audit trail (the event's entries count the named participants), and
    deleting the row erases it."""

    USER_TEXT_FIELDS = ("name", "organisation_name", "function")

    event = models.ForeignKey(
        CapacityEvent,
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    name = models.CharField(_("nom"), max_length=200)
    sex = models.CharField(
        _("sexe"), max_length=1, choices=ParticipantSex.choices, blank=True, default=""
    )
    institution = models.CharField(
        _("type d'institution"), max_length=20, choices=Institution.choices
    )
    organisation_name = models.CharField(_("structure"), max_length=200, blank=True)
    function = models.CharField(_("fonction"), max_length=200, blank=True)

    objects = EventParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant·e nommé·e")
        verbose_name_plural = _("participant·es nommé·es")
        ordering = ["event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__in=Institution.values),
                name="event_participant_institution_valid",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=ParticipantSex.values), name="event_participant_sex_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
