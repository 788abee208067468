"""Bilans: frozen, versioned snapshots of a project's figures (donor bilans) or of the whole
mission's (the mission's bilan, IOM staff only), their PDF and XLSX files. (A project's closed
periods are partners.ClosedPeriod; the notices to IOM officers, core.Notification.)"""

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


class SnapshotScope(models.TextChoices):
    PROJECT = "project", _("Projet")
    MISSION = "mission", _("Mission")


class TaskState(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class BilanSnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """IOM officers see every snapshot; a donor only the published, finished bilans of
        the projects it funds (never a mission bilan: it is IOM's own); everybody else
        nothing."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_donor:
            return self.filter(
                scope=SnapshotScope.PROJECT,
                project__donor_id=actor.organisation_id,
                status=SnapshotStatus.PUBLISHED,
                task_state=TaskState.DONE,
            )
        return self.none()

    def missions(self):
        return self.filter(scope=SnapshotScope.MISSION)

    def published(self):
        return self.filter(status=SnapshotStatus.PUBLISHED, task_state=TaskState.DONE)


class BilanSnapshot(models.Model):
    """One generated bilan over a period, frozen: of a project (`scope` project, for its
    donor once published) or of the whole mission (`scope` mission, no project: every
    assistance of every project and of none; for IOM staff only, published or not).

    The row is created when generation is requested (`request_id` is unique: a task delivered
    twice finds the same row), filled by the Celery task, and gets its `version` only when
    its figures and files are committed together. `figures` is the bilan JSON as published
    (small cells hidden when the project sets a threshold) and `checksum` the SHA-256 of its
    canonical form, printed in the PDF footer. A published snapshot never changes.
    """

    request_id = models.UUIDField(_("identifiant de la demande"), default=uuid.uuid4, unique=True)
    scope = models.CharField(
        _("portée"), max_length=10, choices=SnapshotScope.choices, default=SnapshotScope.PROJECT
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bilans",
        help_text=_("Vide pour le bilan de la mission."),
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
            # One version number per series (scope, project, period, provider cut, language);
            # the mission's series have no project nor provider (NULLs compare equal here).
            models.UniqueConstraint(
                fields=["scope", "project", "start", "end", "organisation", "language", "version"],
                name="bilan_version_unique_in_series",
                nulls_distinct=False,
                condition=Q(version__isnull=False),
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="bilan_period"),
            # A project bilan has its project; the mission's has none, and no provider cut.
            models.CheckConstraint(
                condition=Q(scope=SnapshotScope.PROJECT, project__isnull=False)
                | Q(scope=SnapshotScope.MISSION, project__isnull=True, organisation__isnull=True),
                name="bilan_scope_project",
            ),
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
        indexes = [
            models.Index(fields=["project", "start", "end"]),
            models.Index(fields=["scope", "start", "end"]),
        ]

    def __str__(self) -> str:
        version = f"v{self.version}" if self.version else _("en préparation")
        return f"{self.subject_code} {self.start}–{self.end} ({self.language}) {version}"

    @property
    def is_mission(self) -> bool:
        return self.scope == SnapshotScope.MISSION

    @property
    def subject_code(self) -> str:
        """What the bilan is of, in short: the project's code, or "mission"."""
        return "mission" if self.is_mission else self.project.code

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
        """`bilan-JPN-PROT-20230401-20230630-fr-v2`, `bilan-mission-20220101-20221231-ar-v1`."""
        cut = f"-{self.organisation.slug}" if self.organisation_id else ""
        return (
            f"bilan-{self.subject_code}-{self.start:%Y%m%d}-{self.end:%Y%m%d}{cut}"
            f"-{self.language}-v{self.version}"
        )
