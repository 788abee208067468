"""Cross-app records: the audit trail of every change to a person or an assistance, the
access log of every read of personal data and every sign-in, and the in-app notifications
every app may send a user (core.notifications).

Both tables are append-only in PostgreSQL (migration 0004_append_only_audit_and_access_log: a
trigger refuses UPDATE and DELETE; `core.audit.redaction()` is the one narrow exception).
Their user foreign keys therefore PROTECT: deleting a user must not rewrite the record of
what that user did (deactivate the membership instead)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import scoping


class TrackedModel(models.Model):
    """Bookkeeping shared by every audited record: who created it, when, and a version number
    that services bump on each change (optimistic locking)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only IOM officers read the audit trail: it names people and their assistances."""
        return self if scoping.sees_everything(user) else self.none()


class AuditEntry(models.Model):
    """One change to an audited object: who, when, what (field → [old, new])."""

    class Action(models.TextChoices):
        CREATE = "create", _("Création")
        UPDATE = "update", _("Modification")
        DELETE = "delete", _("Suppression")
        MERGE = "merge", _("Fusion")
        UNMERGE = "unmerge", _("Annulation de fusion")
        CANCEL = "cancel", _("Annulation")
        ACCESS = "access", _("Accès accordé")
        UNLOCK = "unlock", _("Déblocage de connexion")
        ERASE = "erase", _("Effacement des données personnelles")
        LEGAL_HOLD = "legal_hold", _("Gel légal")

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        # Append-only table: SET_NULL would UPDATE its rows, which the trigger refuses.
        on_delete=models.PROTECT,
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


class AccessEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only IOM officers read the whole access log (the person's file shows its own part
        to its organisation's managers, through a selector of the app above)."""
        return self if scoping.sees_everything(user) else self.none()


class AccessEntry(models.Model):
    """One read of personal data, one export, or one sign-in event: who, when, what, from
    where (DESIGN.md section 8, "Access log"). Written by `core.access.record`; never
    changed nor deleted (the database refuses it).

    core knows no organisation (README, "Architecture"): `organisation_id` is the reader's
    organisation at the time of the access, as a plain number, and the object read is a
    model label and an id, like the audit trail's."""

    class Action(models.TextChoices):
        VIEW_PERSON = "view_person", _("Consultation d'une fiche")
        VIEW_NOTE = "view_note", _("Consultation d'une note de suivi")
        VIEW_DOCUMENT = "view_document", _("Consultation d'un document")
        VIEW_LIST = "view_list", _("Consultation d'une liste nominative")
        EXPORT_PERSONAL = "export_personal", _("Export de données personnelles")
        DUPLICATE_SEARCH = "duplicate_search", _("Recherche de doublon")
        LOGIN = "login", _("Connexion")
        LOGOUT = "logout", _("Déconnexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        TOKEN_CREATED = "token_created", _("Jeton d'API créé")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,  # a failed sign-in names no known user
        blank=True,
        on_delete=models.PROTECT,  # append-only: the log outlives nobody's record
        related_name="access_entries",
    )
    organisation_id = models.PositiveBigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    model = models.CharField(_("objet"), max_length=64, blank=True)
    object_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    kind = models.CharField(
        _("nature"), max_length=64, blank=True, help_text=_("Ce qui a été exporté ou consulté.")
    )
    row_count = models.PositiveIntegerField(_("lignes"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=8, blank=True)  # "page" or "api"
    path = models.CharField(_("adresse"), max_length=255, blank=True)  # never a query string
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=255, blank=True)
    username = models.CharField(_("identifiant saisi"), max_length=150, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    objects = AccessEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id", "-at"], name="access_object_at"),
            models.Index(fields=["user", "-at"], name="access_user_at"),
        ]

    def __str__(self) -> str:
        target = f" {self.model}#{self.object_id}" if self.model else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}{target}"


class IdempotencyKey(models.Model):
    """The first successful answer to a POST sent with an `Idempotency-Key` header.

    A client on a flaky connection resends the same request with the same key; the API then
    answers with this stored response instead of creating a second record. Keys are scoped per
    user (two users may pick the same key). The unique constraint is what makes concurrent
    replays safe: the second insert waits for the first transaction, then finds its answer.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
    )
    key = models.CharField(_("clé"), max_length=255)
    method = models.CharField(_("méthode"), max_length=8)
    path = models.CharField(_("chemin"), max_length=512)
    fingerprint = models.CharField(
        _("empreinte de la requête"),
        max_length=64,
        help_text=_("SHA-256 du corps de la requête : une clé ne sert qu'à une seule requête."),
    )
    status_code = models.PositiveSmallIntegerField(_("code de réponse"))
    # The rendered JSON, byte for byte (jsonb would reorder the keys of the replayed body).
    response_body = models.TextField(_("réponse"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} → {self.status_code}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A notification is its recipient's alone, whatever the role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice to one user ("the Q3 draft bilans are ready for review", the morning
    digest of what is due). Written by `core.notifications.notify`, at most once per
    (user, key) when a key is given.

    It lived in bilans until any app needed to notify (bilans 0003, core 0010): the table
    keeps its name and its rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("lien"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    key = models.CharField(
        _("clé"),
        max_length=120,
        blank=True,
        help_text=_("Évite d'envoyer deux fois la même notification."),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "bilans_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.message
