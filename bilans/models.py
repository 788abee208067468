"""Donor bilans: frozen, versioned snapshots of a project's figures, their PDF and XLSX files.
(A project's closed periods are partners.ClosedPeriod; the notices to IOM officers,
core.Notification.)"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.access import actor_for
from partners.models import Organisation, Project

LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")


class TaskState(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class BilanSnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """IOM officers see every snapshot; a donor only the published, finished bilans of
        the projects it funds; everybody else nothing."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_donor:
            return self.filter(
                project__donor_id=actor.organisation_id,
                status=SnapshotStatus.PUBLISHED,
                task_state=TaskState.DONE,
            )
        return self.none()

    def published(self):
        return self.filter(status=SnapshotStatus.PUBLISHED, task_state=TaskState.DONE)


class BilanSnapshot(models.Model):
    """One generated bilan of a project over a period, frozen.

    The row is created when generation is requested (`request_id` is unique: a task delivered
    twice finds the same row), filled by the Celery task, and gets its `version` only when
    its figures and files are committed together. `figures` is the bilan JSON as published
    (small cells hidden when the project sets a threshold) and `checksum` the SHA-256 of its
    canonical form, printed in the PDF footer. A published snapshot never changes.
    """

    request_id = models.UUIDField(_("identifiant de la demande"), default=uuid.uuid4, unique=True)
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.PROTECT, related_name="bilans"
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("prestataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Vide : tous les partenaires du projet."),
    )
    language = models.CharField(_("langue"), max_length=2, choices=LANGUAGES, default="fr")
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT
    )
    figures = models.JSONField(_("chiffres figés"), default=dict, blank=True)
    context = models.JSONField(_("contexte figé"), default=dict, blank=True)
    checksum = models.CharField(_("empreinte des chiffres"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="bilans/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="bilans/", blank=True)
    task_state = models.CharField(
        _("état de la génération"),
        max_length=10,
        choices=TaskState.choices,
        default=TaskState.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    scheduled = models.BooleanField(_("planifié"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    objects = BilanSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilan")
        verbose_name_plural = _("bilans")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One version number per series (project, period, provider cut, language).
            models.UniqueConstraint(
                fields=["project", "start", "end", "organisation", "language", "version"],
                name="bilan_version_unique_in_series",
                nulls_distinct=False,
                condition=Q(version__isnull=False),
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="bilan_period"),
            models.CheckConstraint(
                condition=Q(status__in=SnapshotStatus.values), name="bilan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(task_state__in=TaskState.values), name="bilan_task_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=["fr", "en", "ar"]), name="bilan_language_valid"
            ),
            # Only a finished bilan, with its figures, version and files, can be published.
            models.CheckConstraint(
                condition=Q(status=SnapshotStatus.DRAFT)
                | (
                    Q(task_state=TaskState.DONE, version__isnull=False)
                    & ~Q(checksum="")
                    & ~Q(pdf="")
                    & Q(published_at__isnull=False)
                ),
                name="bilan_published_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(task_state=TaskState.DONE)
                | (Q(version__isnull=False) & ~Q(checksum="") & ~Q(pdf="") & ~Q(xlsx="")),
                name="bilan_done_has_files",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="bilan_progress_percent"),
        ]
        indexes = [models.Index(fields=["project", "start", "end"])]

    def __str__(self) -> str:
        version = f"v{self.version}" if self.version else _("en préparation")
        return f"{self.project.code} {self.start}–{self.end} ({self.language}) {version}"

    @property
    def is_published(self) -> bool:
        return self.status == SnapshotStatus.PUBLISHED

    @property
    def is_done(self) -> bool:
        return self.task_state == TaskState.DONE

    @property
    def is_pending(self) -> bool:
        return self.task_state in (TaskState.QUEUED, TaskState.RUNNING)

    def file_basename(self) -> str:
        cut = f"-{self.organisation.slug}" if self.organisation_id else ""
        return (
            f"bilan-{self.project.code}-{self.start:%Y%m%d}-{self.end:%Y%m%d}{cut}"
            f"-{self.language}-v{self.version}"
        )
