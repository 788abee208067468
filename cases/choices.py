"""The code lists of case work (DESIGN.md section 7), in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clôturé")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Objectifs atteints")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Orienté·e ailleurs")
    RETURNED_HOME = "returned_home", _("Retour au pays (AVRR)")
    MOVED_AWAY = "moved_away", _("Parti·e de la ville")
    LOST_CONTACT = "lost_contact", _("Contact perdu")
    DECLINED_SERVICES = "declined_services", _("Services refusés")
    DECEASED = "deceased", _("Décédé·e")
    OTHER = "other", _("Autre (préciser)")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Faible")
    MEDIUM = "medium", _("Moyen")
    HIGH = "high", _("Élevé")
    CRITICAL = "critical", _("Critique")


# Highest first: "Mon travail" lists the most urgent cases at the top.
RISK_ORDER = {RiskLevel.CRITICAL: 0, RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 3}


class TransitionKind(models.TextChoices):
    OPENED = "opened", _("Ouverture")
    CLOSED = "closed", _("Clôture")
    REOPENED = "reopened", _("Réouverture")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PROGRESS = "in_progress", _("En cours")
    ACHIEVED = "achieved", _("Atteint")
    DROPPED = "dropped", _("Abandonné")


# A goal still open to the assistances that serve it.
OPEN_GOAL_STATUSES = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)


class DocumentKind(models.TextChoices):
    CONSENT_FORM = "consent_form", _("Formulaire de consentement")
    IDENTITY = "identity", _("Pièce d'identité")
    MEDICAL_CERTIFICATE = "medical_certificate", _("Certificat médical")
    RETURN_DOCUMENT = "return_document", _("Document de retour")
    OTHER = "other", _("Autre")
