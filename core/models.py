"""Cross-app records: the audit trail of every change to a person or an assistance."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import actor_for


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only IOM officers read the audit trail: it names people and their assistances."""
        return self if actor_for(user).sees_everything else self.none()


class AuditEntry(models.Model):
    """One change to an audited object: who, when, what (field → [old, new])."""

    class Action(models.TextChoices):
        CREATE = "create", _("Création")
        UPDATE = "update", _("Modification")
        DELETE = "delete", _("Suppression")
        MERGE = "merge", _("Fusion")
        CANCEL = "cancel", _("Annulation")
        ACCESS = "access", _("Accès accordé")

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("objet"), max_length=64)
    object_id = models.CharField(_("identifiant"), max_length=64)
    changes = models.JSONField(_("changements"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"
