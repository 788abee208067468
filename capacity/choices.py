"""Code lists of capacity building (issue 15): the kinds of event, the institutions its
participants come from, and the sexes they are counted by. The codes are a contract of the
bilan JSON (`capacity_building`): never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    TRAINING = "training", _("Formation")
    WORKSHOP = "workshop", _("Atelier")
    COORDINATION = "coordination", _("Réunion de coordination")


class Institution(models.TextChoices):
    GOVERNMENT = "government", _("Institutions publiques")
    CIVIL_SOCIETY = "civil_society", _("Société civile")
    HEALTH_STAFF = "health_staff", _("Personnel de santé")
    IOM = "iom", _("OIM")
    OTHER = "other", _("Autres")


class ParticipantSex(models.TextChoices):
    F = "F", _("Femme")
    M = "M", _("Homme")
    UNKNOWN = "", _("Non renseigné")


# The sexes of the counts, as the bilan JSON names them (DESIGN.md §3: F, M, unknown).
SEX_KEYS = ("F", "M", "unknown")
# The column suffix of each sex key.
_SUFFIX = {"F": "f", "M": "m", "unknown": "unknown"}


def count_field(institution: str, sex: str) -> str:
    """The count column of one cell: `government_f`, `iom_unknown`…"""
    return f"{institution}_{_SUFFIX[sex]}"


def sex_key(sex: str) -> str:
    """A participant's sex ("F", "M" or "") as a key of the counts."""
    return sex if sex in ("F", "M") else "unknown"


# Every count column, institution by institution, in the order of the code lists.
COUNT_FIELDS = tuple(
    count_field(institution, sex) for institution in Institution.values for sex in SEX_KEYS
)
