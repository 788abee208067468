"""The record kept of every import: who imported which file, when, for whom, and what came of
it. Registered with the assistance app's models (imported at the end of assistance/models.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.access import actor_for


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """IOM sees every import; partner staff the imports into their organisation."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(organisation_id=actor.organisation_id)
        return self.none()


class ImportBatch(models.Model):
    """One file submitted for import, from upload (validation) to the final result."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        VALIDATING = "validating", _("Vérification en cours")
        VALID = "valid", _("Prêt à importer")
        INVALID = "invalid", _("Fichier refusé")
        IMPORTING = "importing", _("Import en cours")
        DONE = "done", _("Importé")
        FAILED = "failed", _("Échec")

    class Source(models.TextChoices):
        WEB = "web", _("Page web")
        API = "api", _("API")
        COMMAND = "command", _("Ligne de commande")

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    project = models.ForeignKey(
        "partners.Project",
        verbose_name=_("projet par défaut"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("fichier"), max_length=255)
    file_size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    # The uploaded file, kept until the import is done so a worker can read it.
    content = models.BinaryField(_("contenu"), null=True, blank=True, editable=False)
    language = models.CharField(_("langue du rapport"), max_length=8, default="fr")
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # When the current step (check or import) was queued for a worker, when it started (in the
    # request, or when a worker took it), and how many times a worker started it: a batch
    # running past the time limit is failed, so is one no worker started long after it was
    # queued, and one whose worker kept dying.
    queued_at = models.DateTimeField(_("mis en file le"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    counts = models.JSONField(_("décompte"), default=dict, blank=True)
    # The first errors in row order (report.ERRORS_KEPT at most), and how many there were.
    errors = models.JSONField(_("erreurs"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("nombre d'erreurs"), default=0)
    preview = models.JSONField(_("aperçu"), default=list, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import de fichier")
        verbose_name_plural = _("imports de fichiers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (
            self.Status.PENDING,
            self.Status.VALIDATING,
            self.Status.IMPORTING,
        )
