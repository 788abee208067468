"""Code lists of the beneficiaries app (DESIGN.md sections 2 and 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme / fille")
    MALE = "M", _("Homme / garçon")
    UNKNOWN = "U", _("Inconnu")


class LegalStatus(models.TextChoices):
    REGULAR = "regular", _("En situation régulière")
    IRREGULAR = "irregular", _("En situation irrégulière")
    ASYLUM_SEEKER = "asylum_seeker", _("Demandeur·se d'asile")
    REFUGEE = "refugee", _("Réfugié·e")
    NATIONAL = "national", _("Ressortissant·e marocain·e")
    UNKNOWN = "unknown", _("Inconnu")


class Vulnerability(models.TextChoices):
    UASC = "uasc", _("Enfant non accompagné ou séparé")
    TRAFFICKING = "trafficking", _("Victime de traite")
    GBV = "gbv", _("Survivant·e de violence basée sur le genre")
    DISABILITY = "disability", _("Handicap")
    MEDICAL_NEEDS = "medical_needs", _("Besoins médicaux")
    ELDERLY = "elderly", _("Personne âgée")
    PREGNANT = "pregnant", _("Femme enceinte")
    SINGLE_PARENT = "single_parent", _("Parent isolé")
    MENTAL_HEALTH = "mental_health", _("Santé mentale")
    OTHER = "other", _("Autre")


class ErasureReason(models.TextChoices):
    """Why a person's personal data were erased (pseudonymised): DESIGN.md §8."""

    PERSON_REQUEST = "person_request", _("Demande de la personne")
    RETENTION = "retention", _("Durée de conservation écoulée")
    LEGAL_OBLIGATION = "legal_obligation", _("Obligation légale")
    OTHER = "other", _("Autre motif")


ADULT_AGE = 18


class ConsentPurpose(models.TextChoices):
    """What a person consents to (DESIGN.md section 8): the codes are the contract of the
    consent ledger (API, audit), the labels are for people."""

    SERVICES = "services", _("Traitement des données pour l'assister")
    REFERRAL = "referral", _("Partage avec une organisation nommée (référencement)")
    IOM_REPORTING = "iom_reporting", _("Partage avec l'OIM")
    PHOTO = "photo", _("Photo")
