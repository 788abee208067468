"""The people assisted, and who may see them."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.choices import (
    ADULT_AGE,
    ConsentPurpose,
    ErasureReason,
    LegalStatus,
    Sex,
    Vulnerability,
)
from core.countries import validate_country_code
from core.models import TrackedModel
from core.text import UserTextMixin
from partners.access import actor_for


def age_on(
    *, date_of_birth: datetime.date | None, birth_year: int | None, on: datetime.date
) -> int | None:
    """Whole years at `on` (DESIGN.md section 3).

    From the date of birth; else from the estimated birth year, taken as 1 July of that year;
    else unknown (None).
    """
    born = date_of_birth or (datetime.date(birth_year, 7, 1) if birth_year else None)
    if born is None:
        return None
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return years


class BeneficiaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Section 5: a partner sees the people it owns and those referred to it (accepted);
        IOM sees everyone; donors and anyone else see no one.

        Section 8, the consent ledger: sharing stops when the person withdraws it. A partner
        that accepted a referral stops seeing the person once their `referral` consent for
        that partner is withdrawn; IOM stops seeing a person of another organisation whose
        `iom_reporting` consent is withdrawn. Only an explicit withdrawal hides: people
        recorded before the ledger have no entry and stay visible (Consent.sharing_withdrawn).
        """
        actor = actor_for(user)
        if actor.sees_everything:
            withdrawn = Consent.sharing_withdrawn(ConsentPurpose.IOM_REPORTING)
            return self.filter(Q(organisation_id=actor.organisation_id) | ~withdrawn)
        if actor.is_partner_staff:
            shared = BeneficiaryAccess.objects.filter(
                beneficiary=OuterRef("pk"), organisation_id=actor.organisation_id
            )
            withdrawn = Consent.sharing_withdrawn(
                ConsentPurpose.REFERRAL, recipient_id=actor.organisation_id
            )
            return self.filter(
                Q(organisation_id=actor.organisation_id) | (Exists(shared) & ~withdrawn)
            )
        return self.none()

    def active(self):
        """Not merged into another record."""
        return self.filter(merged_into__isnull=True)


# A person's fields as the people who record them set them, in this order: the services accept
# these (beneficiaries.services.EDITABLE_FIELDS), the page's form and the API's input offer
# them, and the import contract's person columns are those of them it carries
# (assistance.importer.columns). Ownership, merge state and bookkeeping are the services'.
PERSON_FIELDS = (
    "beneficiary_ref",
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "nationality",
    "city",
    "legal_status",
    "is_migrant",
    "registered_on",
    "consent",
    "consent_on",
    "vulnerabilities",
)

# What pseudonymisation (DESIGN.md §8, beneficiaries.services.beneficiary_pseudonymise) takes
# from a person's record, and what it leaves: the names go, the exact date of birth becomes
# its year, the free text about them goes. Sex, birth year, population, nationality, legal
# status, vulnerabilities and the reference code stay: the figures count with them, and the
# reference is the organisation's own file number, not the person's. The audit trail's
# snapshots of these fields are redacted too (core.audit.redact_personal).
ERASED_FIELDS = ("first_name", "last_name", "date_of_birth", "legal_hold_reason")


class Beneficiary(UserTextMixin, TrackedModel):
    """A person registered once by a partner (or IOM), who then receives assistances."""

    USER_TEXT_FIELDS = ("beneficiary_ref", "first_name", "last_name")

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    beneficiary_ref = models.CharField(
        _("référence du dossier"),
        max_length=64,
        help_text=_("La référence du dossier chez le partenaire."),
    )
    first_name = models.CharField(_("prénom"), max_length=120, blank=True)
    last_name = models.CharField(_("nom"), max_length=120, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date de naissance"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance estimée"),
        null=True,
        blank=True,
        help_text=_("Quand la date exacte est inconnue."),
    )
    nationality = models.CharField(
        _("nationalité"),
        max_length=2,
        blank=True,
        validators=[validate_country_code],
        help_text=_("Code pays ISO 3166 alpha-2."),
    )
    city = models.ForeignKey(
        "partners.City",
        verbose_name=_("ville"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    legal_status = models.CharField(
        _("statut administratif"),
        max_length=20,
        choices=LegalStatus.choices,
        default=LegalStatus.UNKNOWN,
    )
    is_migrant = models.BooleanField(
        _("migrant·e"), default=True, help_text=_("Décoché : ressortissant·e marocain·e.")
    )
    registered_on = models.DateField(_("date d'enregistrement"), default=timezone.localdate)
    consent = models.BooleanField(_("consentement au traitement des données"), default=False)
    consent_on = models.DateField(_("date du consentement"), null=True, blank=True)
    vulnerabilities = ArrayField(
        models.CharField(max_length=20, choices=Vulnerability.choices),
        verbose_name=_("vulnérabilités"),
        default=list,
        blank=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    # DESIGN.md §8: a legal hold suspends retention and refuses erasure; set and lifted by the
    # owning organisation's manager or an IOM officer (beneficiary_set_legal_hold, audited).
    legal_hold = models.BooleanField(_("gel légal"), default=False, editable=False)
    legal_hold_reason = models.TextField(_("motif du gel légal"), blank=True, editable=False)
    # Set once, by beneficiary_pseudonymise: the record then holds no name, no exact date of
    # birth, no free text, and nothing changes it any more.
    pseudonymised_at = models.DateTimeField(
        _("données personnelles effacées le"), null=True, blank=True, editable=False
    )
    pseudonymisation_reason = models.CharField(
        _("motif de l'effacement"),
        max_length=20,
        choices=ErasureReason.choices,
        blank=True,
        editable=False,
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bénéficiaire")
        verbose_name_plural = _("bénéficiaires")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "beneficiary_ref"],
                name="beneficiary_ref_unique_per_organisation",
                violation_error_message=_(
                    "Cette référence de dossier existe déjà dans votre organisation."
                ),
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="beneficiary_sex_valid"),
            models.CheckConstraint(
                condition=Q(legal_status__in=LegalStatus.values),
                name="beneficiary_legal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(vulnerabilities__contained_by=Vulnerability.values),
                name="beneficiary_vulnerabilities_valid",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="beneficiary_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True)
                | Q(date_of_birth__lte=models.F("registered_on")),
                name="beneficiary_born_before_registration",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="beneficiary_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(nationality="") | Q(nationality__regex=r"^[A-Z]{2}$"),
                name="beneficiary_nationality_iso2",
            ),
            # Erased means erased: no name, no exact birth date, no hold left to honour.
            models.CheckConstraint(
                condition=Q(pseudonymised_at__isnull=True)
                | Q(
                    first_name="",
                    last_name="",
                    date_of_birth__isnull=True,
                    legal_hold=False,
                    legal_hold_reason="",
                ),
                name="beneficiary_pseudonymised_holds_nothing",
            ),
            models.CheckConstraint(
                condition=Q(pseudonymised_at__isnull=True, pseudonymisation_reason="")
                | Q(
                    pseudonymised_at__isnull=False,
                    pseudonymisation_reason__in=ErasureReason.values,
                ),
                name="beneficiary_pseudonymisation_reason_valid",
            ),
        ]
        indexes = [
            GinIndex(
                OpClass(Upper("last_name"), name="gin_trgm_ops"), name="beneficiary_last_name_trgm"
            ),
            GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"),
                name="beneficiary_first_name_trgm",
            ),
            models.Index(fields=["organisation", "registered_on"]),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name or _('(sans nom)')} [{self.beneficiary_ref}]"

    @property
    def is_pseudonymised(self) -> bool:
        return self.pseudonymised_at is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: datetime.date) -> int | None:
        return age_on(date_of_birth=self.date_of_birth, birth_year=self.birth_year, on=day)

    def is_minor_on(self, day: datetime.date) -> bool | None:
        age = self.age_on(day)
        return None if age is None else age < ADULT_AGE

    @property
    def estimated_birth_date(self) -> datetime.date | None:
        if self.date_of_birth:
            return self.date_of_birth
        return datetime.date(self.birth_year, 7, 1) if self.birth_year else None

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("La date de naissance est dans le futur.")
        if self.birth_year and not (1900 <= self.birth_year <= today.year):
            errors["birth_year"] = _(
                "L'année de naissance doit être comprise entre 1900 et l'année en cours."
            )
        if self.date_of_birth and self.birth_year and self.date_of_birth.year != self.birth_year:
            errors["birth_year"] = _(
                "L'année de naissance ne correspond pas à la date de naissance."
            )
        if self.date_of_birth and self.registered_on and self.date_of_birth > self.registered_on:
            errors["registered_on"] = _("L'enregistrement précède la naissance.")
        if self.registered_on and self.registered_on > today:
            errors["registered_on"] = _("La date d'enregistrement est dans le futur.")
        if self.consent_on and self.consent_on > today:
            errors["consent_on"] = _("La date du consentement est dans le futur.")
        if self.consent_on and not self.consent:
            errors["consent_on"] = _("Une date de consentement suppose le consentement.")
        unknown = set(self.vulnerabilities or []) - set(Vulnerability.values)
        if unknown:
            errors["vulnerabilities"] = _("Codes de vulnérabilité inconnus : %(codes)s") % {
                "codes": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class BeneficiaryAccess(models.Model):
    """Another organisation's access to a person, granted when it accepts a referral."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name=_("bénéficiaire"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="shared_beneficiaries",
        verbose_name=_("organisation"),
    )
    referral = models.ForeignKey(
        "assistance.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("référencement"),
    )
    granted_at = models.DateTimeField(_("accordé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("accès partagé")
        verbose_name_plural = _("accès partagés")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "organisation"], name="beneficiary_access_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.beneficiary_id}"


# The consent ledger and the merge records, in modules of their own; imported here so that
# Django registers them with this app (and visible_to above finds the ledger).
# isort: off
from beneficiaries.consents.models import Consent  # noqa: E402
from beneficiaries.merges.models import BeneficiaryMerge  # noqa: E402, F401
# isort: on
