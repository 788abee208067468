"""Code lists of the partners app (DESIGN.md sections 2 and 5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    IOM = "iom", _("OIM")
    PARTNER = "partner", _("Partenaire")
    DONOR = "donor", _("Bailleur")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Travailleur·se social·e")
    PARTNER_MANAGER = "partner_manager", _("Responsable partenaire")
    IOM_OFFICER = "iom_officer", _("Chargé·e OIM")
    DONOR = "donor", _("Bailleur")


# Which organisation kinds may hold which roles: a caseworker belongs to a partner (or to IOM,
# which delivers assistance itself), an IOM officer to IOM, a donor user to a donor.
ROLE_ORGANISATION_KINDS = {
    Role.CASEWORKER: {OrganisationKind.PARTNER, OrganisationKind.IOM},
    Role.PARTNER_MANAGER: {OrganisationKind.PARTNER},
    Role.IOM_OFFICER: {OrganisationKind.IOM},
    Role.DONOR: {OrganisationKind.DONOR},
}

CURRENCIES = ["MAD", "USD", "EUR", "JPY", "GBP", "CHF", "CAD", "SEK", "NOK", "DKK"]
