"""Code lists of the assistance app (DESIGN.md section 2). The codes are the contract."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MEDICAL = "medical", _("Médical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    FOOD = "food", _("Alimentaire")
    NON_FOOD = "non_food", _("Non alimentaire")
    EMERGENCY_HOUSING = "emergency_housing", _("Hébergement d'urgence")
    LEGAL = "legal", _("Juridique et administratif")
    PROTECTION = "protection", _("Protection")
    AWARENESS = "awareness", _("Sensibilisation")
    AVRR = "avrr", _("Retour volontaire assisté")
    REINTEGRATION = "reintegration", _("Réintégration")
    EMPLOYABILITY = "employability", _("Employabilité")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneuriat")
    EDUCATION = "education", _("Éducation")


SUBTYPE_LABELS = {
    "consultation": _("Consultation"),
    "medication": _("Médicaments"),
    "exam": _("Examen"),
    "hospitalisation": _("Hospitalisation"),
    "referral_public_health": _("Référencement vers la santé publique"),
    "mobility_aid": _("Aide à la mobilité"),
    "other": _("Autre"),
    "specialised": _("Consultation spécialisée"),
    "non_specialised": _("Accompagnement non spécialisé"),
    "group_activity": _("Activité de groupe"),
    "pfa": _("Premiers secours psychologiques"),
    "listening": _("Écoute"),
    "food_voucher": _("Bon alimentaire"),
    "food_basket": _("Panier alimentaire"),
    "meal": _("Repas"),
    "nfi_voucher": _("Bon non alimentaire"),
    "hygiene_kit": _("Kit d'hygiène"),
    "blankets_clothing": _("Couvertures et vêtements"),
    "survival_kit": _("Kit de survie"),
    "shelter": _("Centre d'hébergement"),
    "hotel": _("Hôtel"),
    "rent_support": _("Aide au loyer"),
    "documentation": _("Documentation"),
    "legal_counsel": _("Conseil juridique"),
    "administrative": _("Démarches administratives"),
    "case_management": _("Gestion de cas"),
    "child_protection": _("Protection de l'enfance"),
    "family_tracing": _("Recherche familiale"),
    "best_interest": _("Intérêt supérieur de l'enfant"),
    "health": _("Santé"),
    "gbv": _("Violences basées sur le genre"),
    "trafficking": _("Traite des personnes"),
    "rights": _("Droits"),
    "irregular_migration_risks": _("Risques de la migration irrégulière"),
    "counselling": _("Conseil au retour"),
    "pre_departure": _("Préparation au départ"),
    "medical_check": _("Visite médicale"),
    "return_from_morocco": _("Retour depuis le Maroc"),
    "return_to_morocco": _("Retour au Maroc"),
    "cash": _("Aide en espèces"),
    "business": _("Projet économique"),
    "vocational_training": _("Formation professionnelle"),
    "school_support": _("Soutien scolaire"),
    "housing": _("Logement"),
    "medical": _("Médical"),
    "psychosocial": _("Psychosocial"),
    "social": _("Social"),
    "orientation": _("Orientation"),
    "soft_skills_training": _("Formation aux compétences de vie"),
    "internship": _("Stage"),
    "job_interview": _("Entretien d'embauche"),
    "job_placement": _("Insertion en emploi"),
    "information": _("Information"),
    "business_plan": _("Plan d'affaires"),
    "grant": _("Subvention"),
    "auto_entrepreneur_card": _("Carte d'auto-entrepreneur"),
    "business_started": _("Entreprise créée"),
}

SUBTYPES: dict[str, tuple[str, ...]] = {
    Category.MEDICAL: (
        "consultation",
        "medication",
        "exam",
        "hospitalisation",
        "referral_public_health",
        "mobility_aid",
        "other",
    ),
    Category.PSYCHOSOCIAL: (
        "specialised",
        "non_specialised",
        "group_activity",
        "pfa",
        "listening",
        "other",
    ),
    Category.FOOD: ("food_voucher", "food_basket", "meal", "other"),
    Category.NON_FOOD: ("nfi_voucher", "hygiene_kit", "blankets_clothing", "survival_kit", "other"),
    Category.EMERGENCY_HOUSING: ("shelter", "hotel", "rent_support", "other"),
    Category.LEGAL: ("documentation", "legal_counsel", "administrative", "other"),
    Category.PROTECTION: (
        "case_management",
        "child_protection",
        "family_tracing",
        "best_interest",
        "other",
    ),
    Category.AWARENESS: (
        "health",
        "gbv",
        "trafficking",
        "rights",
        "irregular_migration_risks",
        "other",
    ),
    Category.AVRR: (
        "counselling",
        "pre_departure",
        "medical_check",
        "return_from_morocco",
        "return_to_morocco",
    ),
    Category.REINTEGRATION: (
        "cash",
        "business",
        "vocational_training",
        "school_support",
        "housing",
        "medical",
        "psychosocial",
        "social",
    ),
    Category.EMPLOYABILITY: (
        "orientation",
        "soft_skills_training",
        "internship",
        "job_interview",
        "job_placement",
    ),
    Category.ENTREPRENEURSHIP: (
        "information",
        "business_plan",
        "grant",
        "auto_entrepreneur_card",
        "business_started",
    ),
    Category.EDUCATION: ("school_support", "vocational_training", "other"),
}

ALL_SUBTYPES = tuple(sorted({s for subtypes in SUBTYPES.values() for s in subtypes}))

# AVRR subtypes whose `country` is required: the country of return (from Morocco) or the host
# country left (to Morocco).
RETURN_SUBTYPES = ("return_from_morocco", "return_to_morocco")
COUNTRY_REQUIRED = frozenset((Category.AVRR, subtype) for subtype in RETURN_SUBTYPES)


def subtype_choices(category: str | None = None) -> list[tuple[str, str]]:
    codes = SUBTYPES.get(category, ALL_SUBTYPES) if category else ALL_SUBTYPES
    return [(code, SUBTYPE_LABELS[code]) for code in codes]


class Status(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    DELIVERED = "delivered", _("Délivrée")
    CANCELLED = "cancelled", _("Annulée")


class Outcome(models.TextChoices):
    PENDING = "pending", _("En attente")
    SERVICE_RECEIVED = "service_received", _("Service reçu")
    DECLINED = "declined", _("Refusé")
    NO_SHOW = "no_show", _("Ne s'est pas présenté·e")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Accepté")
    DECLINED = "declined", _("Refusé par le partenaire")


class DeclineReason(models.TextChoices):
    """Why a receiving partner declines a referral; the sender sees it. `other` needs a note."""

    NO_CAPACITY = "no_capacity", _("Capacité atteinte (plus de place)")
    OUT_OF_MANDATE = "out_of_mandate", _("Besoin hors de notre mandat")
    OUT_OF_AREA = "out_of_area", _("Hors de notre zone d'intervention")
    NOT_ELIGIBLE = "not_eligible", _("La personne ne remplit pas nos critères")
    ALREADY_ASSISTED = "already_assisted", _("Déjà prise en charge par ailleurs")
    INCOMPLETE = "incomplete", _("Informations insuffisantes pour la prise en charge")
    OTHER = "other", _("Autre")


class ReturnDirection(models.TextChoices):
    FROM_MOROCCO = "from_morocco", _("Retour depuis le Maroc")
    TO_MOROCCO = "to_morocco", _("Retour au Maroc")


class ReturnStage(models.TextChoices):
    COUNSELLING = "counselling", _("Conseil")
    PRE_DEPARTURE = "pre_departure", _("Préparation au départ")
    MEDICAL_CHECK = "medical_check", _("Visite médicale")
    RETURNED = "returned", _("Retour effectué")
    REINTEGRATION = "reintegration", _("Réintégration")
    CLOSED = "closed", _("Clôturé")
    CANCELLED = "cancelled", _("Annulé")


# The order a return case moves through; `cancelled` may be reached from any open stage.
RETURN_STAGE_ORDER = [
    ReturnStage.COUNSELLING,
    ReturnStage.PRE_DEPARTURE,
    ReturnStage.MEDICAL_CHECK,
    ReturnStage.RETURNED,
    ReturnStage.REINTEGRATION,
    ReturnStage.CLOSED,
]
