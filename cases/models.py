"""Case work (DESIGN.md section 7): one organisation's follow-up of one person.

A `Case` belongs to the organisation that holds it, never to the person: several
organisations may each hold one for the same person, and a person may have a closed case and
a new one (one open case per person and organisation). Around it: its status transitions
(opening, closure with a reason, reopening with a reason), assessments, the plan's goals,
follow-ups, confidential notes and documents.

Scoping (`visible_to`): IOM officers see every case; partner staff see their organisation's
cases only, so a partner a person was referred to sees the person and what it delivered, not
the sender's case. Notes and documents are narrower still: the owning organisation's staff
alone, IOM officers included only for IOM's own cases (`CaseNote.objects.visible_to`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.choices import Category, subtype_choices
from beneficiaries.choices import Vulnerability
from cases.choices import (
    CaseStatus,
    ClosureReason,
    DocumentKind,
    GoalStatus,
    RiskLevel,
    TransitionKind,
)
from core.models import TrackedModel
from core.text import UserTextMixin
from partners.access import actor_for


def _own_organisation(actor, field: str) -> Q | None:
    """Rows of the actor's organisation, for partner staff and IOM staff alike."""
    if actor.works_on_records and actor.organisation_id:
        return Q(**{field: actor.organisation_id})
    return None


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """IOM officers see every case; partner staff their organisation's; nobody else any."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(organisation_id=actor.organisation_id)
        return self.none()

    def writable_by(self, user):
        """The cases `user` may work on: their own organisation's (IOM officers' too: they
        read every case but write only IOM's own)."""
        condition = _own_organisation(actor_for(user), "organisation_id")
        return self.filter(condition) if condition is not None else self.none()

    def open(self):
        return self.filter(status=CaseStatus.OPEN)


class Case(UserTextMixin, TrackedModel):
    """One organisation's follow-up of one person, from opening to closure (and reopening)."""

    USER_MULTILINE_FIELDS = ("closure_note",)

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("bénéficiaire"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("travailleur·se social·e"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    risk_level = models.CharField(
        _("niveau de risque"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    opened_on = models.DateField(_("ouvert le"), default=timezone.localdate)
    closed_on = models.DateField(_("clôturé le"), null=True, blank=True)
    closure_reason = models.CharField(
        _("motif de clôture"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.TextField(_("précisions sur la clôture"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier de suivi")
        verbose_name_plural = _("dossiers de suivi")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values), name="case_risk_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(closure_reason="") | Q(closure_reason__in=ClosureReason.values),
                name="case_closure_reason_valid",
            ),
            # A closed case says when and why; an open one carries no closure.
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.OPEN, closed_on__isnull=True, closure_reason="")
                    | (Q(status=CaseStatus.CLOSED, closed_on__isnull=False) & ~Q(closure_reason=""))
                ),
                name="case_closure_consistent",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.UniqueConstraint(
                fields=["beneficiary", "organisation"],
                condition=Q(status=CaseStatus.OPEN),
                name="case_one_open_per_person_and_organisation",
                violation_error_message=_(
                    "Cette personne a déjà un dossier ouvert dans cette organisation."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["assigned_to", "status"]),
        ]

    def __str__(self) -> str:
        return _("Dossier n° %(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def clean(self):
        super().clean()
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError(
                {"closed_on": _("Un dossier ne peut pas être clôturé avant son ouverture.")}
            )
        if self.closure_reason == ClosureReason.OTHER and not self.closure_note.strip():
            raise ValidationError({"closure_note": _("Précisez le motif de clôture « Autre ».")})


class CaseTransition(models.Model):
    """One change of a case's status: its opening, each closure (with its reason) and each
    reopening (with its reason). The case indicators count closures from here, so a case
    closed in one quarter and reopened in the next still counts as closed in the first."""

    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="transitions"
    )
    kind = models.CharField(_("étape"), max_length=10, choices=TransitionKind.choices)
    on = models.DateField(_("date"))
    closure_reason = models.CharField(
        _("motif de clôture"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    reason = models.TextField(_("motif"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    # The person's age on `on`, frozen when their record is pseudonymised (cases.erasure), so
    # the case indicators (reporting.case_engine) count the same age once the date of birth
    # has become a year: the same rule as `Assistance.frozen_age` (-1: unknown).
    frozen_age = models.SmallIntegerField(
        _("âge figé à la date"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("étape du dossier")
        verbose_name_plural = _("étapes du dossier")
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TransitionKind.values), name="case_transition_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=TransitionKind.CLOSED, closure_reason__in=ClosureReason.values)
                    | (~Q(kind=TransitionKind.CLOSED) & Q(closure_reason=""))
                ),
                name="case_transition_closure_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["kind", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class CasePartQuerySet(models.QuerySet):
    """Assessments, goals and follow-ups: visible with their case."""

    def visible_to(self, user):
        return self.filter(case__in=Case.objects.visible_to(user))


def validate_needs(values) -> None:
    unknown = sorted(set(values or []) - set(Category.values))
    if unknown:
        raise ValidationError(_("Catégories inconnues : %(codes)s") % {"codes": ", ".join(unknown)})


class Assessment(UserTextMixin, TrackedModel):
    """A dated evaluation of the person's needs and vulnerabilities, by a user of the case's
    organisation. A case can have several over time; the latest is its current picture."""

    USER_MULTILINE_FIELDS = ("summary",)

    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("date de l'évaluation"), default=timezone.localdate)
    needs = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        verbose_name=_("besoins"),
        default=list,
        blank=True,
        validators=[validate_needs],
    )
    vulnerabilities = ArrayField(
        models.CharField(max_length=20, choices=Vulnerability.choices),
        verbose_name=_("vulnérabilités"),
        default=list,
        blank=True,
    )
    summary = models.TextField(_("synthèse"), blank=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needs__contained_by=Category.values), name="assessment_needs_valid"
            ),
            models.CheckConstraint(
                condition=Q(vulnerabilities__contained_by=Vulnerability.values),
                name="assessment_vulnerabilities_valid",
            ),
        ]

    def __str__(self) -> str:
        return _("Évaluation du %(day)s") % {"day": self.assessed_on}


def planned_service_choices() -> list[tuple[str, str]]:
    """`category` (any service of it) or `category:subtype`, as a goal plans them."""
    choices = []
    for category in Category:
        choices.append((category.value, category.label))
        for subtype, label in subtype_choices(category):
            choices.append((f"{category.value}:{subtype}", f"{category.label} · {label}"))
    return choices


def validate_planned_services(values) -> None:
    valid = {code for code, _label in planned_service_choices()}
    unknown = sorted(set(values or []) - valid)
    if unknown:
        raise ValidationError(_("Services inconnus : %(codes)s") % {"codes": ", ".join(unknown)})


def serves(planned: list[str], *, category: str, subtype: str) -> bool:
    """Whether an assistance of `category`/`subtype` is one of the planned services."""
    return category in planned or f"{category}:{subtype}" in planned


class Goal(UserTextMixin, TrackedModel):
    """A goal of the case plan: what it aims at, the services it plans, by when, how far."""

    USER_TEXT_FIELDS = ("title",)

    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(_("objectif"), max_length=200)
    services = ArrayField(
        models.CharField(max_length=53),
        verbose_name=_("services prévus"),
        default=list,
        blank=True,
        validators=[validate_planned_services],
    )
    target_date = models.DateField(_("date cible"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    assistances = models.ManyToManyField(
        "assistance.Assistance",
        verbose_name=_("assistances liées"),
        blank=True,
        related_name="goals",
    )

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["target_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="goal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FollowUpQuerySet(CasePartQuerySet):
    def pending(self):
        return self.filter(done_on__isnull=True)

    def overdue(self, today):
        return self.pending().filter(due_on__lt=today)


class FollowUp(UserTextMixin, TrackedModel):
    """A planned action on a case: due date, who does it, and, once done, when and with what
    result. Pending ones past their date are overdue; the assignee is told each morning."""

    USER_MULTILINE_FIELDS = ("action", "result")

    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="followups"
    )
    due_on = models.DateField(_("échéance"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    action = models.TextField(_("action"))
    done_on = models.DateField(_("fait le"), null=True, blank=True)
    result = models.TextField(_("résultat"), blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "done_on", "due_on"])]

    def __str__(self) -> str:
        return _("Suivi du %(day)s") % {"day": self.due_on}

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due_on < today


class ConfidentialQuerySet(models.QuerySet):
    """Notes and documents: the owning organisation's staff alone (DESIGN.md section 7),
    never a partner the person was referred to, a donor, nor IOM for a partner's case."""

    def visible_to(self, user):
        condition = _own_organisation(actor_for(user), "case__organisation_id")
        return self.filter(condition) if condition is not None else self.none()


class CaseNote(TrackedModel):
    """A dated confidential note, by a user. Its text is stored encrypted (core.crypto): the
    database, its backups and its dumps hold only the token."""

    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="notes"
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    body_encrypted = models.TextField(_("texte chiffré"), editable=False)

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("note confidentielle")
        verbose_name_plural = _("notes confidentielles")
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return _("Note du %(day)s") % {"day": self.written_on}


class CaseDocument(TrackedModel):
    """A document on a case (consent form, identity paper, certificate…): PDF, JPEG or PNG,
    checked by its content, stored encrypted outside any public path (core.protected_files),
    served only by a scoped view, every download logged."""

    case = models.ForeignKey(
        Case, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    # The name in the protected store (random), never the uploaded file's name.
    stored_name = models.CharField(max_length=120, editable=False, unique=True)
    content_type = models.CharField(_("format"), max_length=40, editable=False)
    size = models.PositiveIntegerField(_("taille (octets)"), editable=False)
    # The uploaded file's name may name the person: encrypted like a note.
    original_name_encrypted = models.TextField(editable=False, blank=True)

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="case_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="case_document_content_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()
