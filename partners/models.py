"""Organisations, projects and their closed periods, places and who belongs where."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import UserTextMixin
from frameworks.models import Axis, FrameworkObjective
from partners.access import actor_for
from partners.choices import CURRENCIES, ROLE_ORGANISATION_KINDS, OrganisationKind, Role


class Region(UserTextMixin, models.Model):
    """One of Morocco's twelve administrative regions."""

    USER_TEXT_FIELDS = ("name", "name_ar")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    name_ar = models.CharField(_("nom en arabe"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class City(UserTextMixin, models.Model):
    """A city where assistance is delivered."""

    USER_TEXT_FIELDS = ("name", "name_ar")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    name_ar = models.CharField(_("nom en arabe"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("région"), on_delete=models.PROTECT, related_name="cities"
    )

    class Meta:
        verbose_name = _("ville")
        verbose_name_plural = _("villes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The directory of organisations is not personal data: staff see it whole.

        A donor sees itself and the organisations that implement its projects.
        """
        actor = actor_for(user)
        if actor.sees_everything or actor.is_partner_staff:
            return self
        if actor.is_donor:
            return self.filter(
                Q(pk=actor.organisation_id)
                | Q(implemented_projects__donor_id=actor.organisation_id)
            ).distinct()
        return self.none()

    def record_keepers(self):
        """Active partners and IOM: the organisations that register people, deliver
        assistance and receive referrals. Donors never hold a personal record."""
        return self.filter(
            is_active=True, kind__in=[OrganisationKind.PARTNER, OrganisationKind.IOM]
        )


# DESIGN.md §8 "Retention": how long an organisation keeps a person's personal data after the
# end of its work with them (beneficiaries.selectors.retention_expired), 5 years unless it
# sets otherwise, within bounds an officer cannot mistype past.
DEFAULT_RETENTION_YEARS = 5
MIN_RETENTION_YEARS = 1
MAX_RETENTION_YEARS = 30


class Organisation(UserTextMixin, models.Model):
    """IOM itself, a partner NGO delivering assistance, or a donor funding projects."""

    USER_TEXT_FIELDS = ("name",)

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=OrganisationKind.choices)
    city = models.ForeignKey(
        City,
        verbose_name=_("ville"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)
    retention_years = models.PositiveSmallIntegerField(
        _("durée de conservation (années)"),
        default=DEFAULT_RETENTION_YEARS,
        validators=[
            MinValueValidator(MIN_RETENTION_YEARS),
            MaxValueValidator(MAX_RETENTION_YEARS),
        ],
        help_text=_(
            "Les données personnelles d'une personne sont pseudonymisées ce nombre d'années "
            "après sa dernière activité (sauf gel légal)."
        ),
    )
    # IOM officers, partner managers and admin users always need a second factor
    # (partners.second_factor); this asks it of every other member too (caseworkers).
    requires_second_factor = models.BooleanField(
        _("second facteur exigé de tous ses membres"),
        default=False,
        help_text=_(
            "Les chargé·es OIM, les responsables et les administrateurs en ont toujours "
            "besoin ; coché, les travailleur·ses sociaux·ales de l'organisation aussi."
        ),
    )
    # DESIGN.md §7: some organisations follow every person they register.
    opens_case_on_registration = models.BooleanField(
        _("ouvrir un dossier de suivi à chaque enregistrement"),
        default=False,
        help_text=_(
            "Coché, chaque personne enregistrée par l'organisation reçoit un dossier de suivi "
            "ouvert, confié à la personne qui l'enregistre."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    retention_years__gte=MIN_RETENTION_YEARS,
                    retention_years__lte=MAX_RETENTION_YEARS,
                ),
                name="organisation_retention_years_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.is_partner_staff:
            return self.filter(partners__id=actor.organisation_id).distinct()
        if actor.is_donor:
            return self.filter(donor_id=actor.organisation_id)
        return self.none()

    def active_on(self, day):
        return self.filter(start__lte=day, end__gte=day)


# DESIGN.md §3: donor-facing counts from 1 to k−1 are printed "<k"; a new project hides
# counts below 5 unless an IOM officer decides otherwise.
DEFAULT_SMALL_CELL_THRESHOLD = 5


class Project(UserTextMixin, models.Model):
    """A donor-funded project, implemented by partners in some cities over a period."""

    USER_TEXT_FIELDS = ("title",)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("intitulé"), max_length=300)
    donor = models.ForeignKey(
        Organisation,
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": OrganisationKind.DONOR},
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("devise"), max_length=3, default="USD", choices=[(c, c) for c in CURRENCIES]
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partenaires de mise en œuvre"),
        blank=True,
        related_name="implemented_projects",
    )
    cities = models.ManyToManyField(
        City, verbose_name=_("villes"), blank=True, related_name="projects"
    )
    axes = models.ManyToManyField(
        Axis, verbose_name=_("axes d'intervention"), blank=True, related_name="projects"
    )
    objectives = models.ManyToManyField(
        FrameworkObjective,
        verbose_name=_("objectifs (ODD, PMM, SNIA)"),
        blank=True,
        related_name="projects",
        help_text=_("Les objectifs des cadres auxquels le projet contribue."),
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("seuil des petits effectifs (k)"),
        default=DEFAULT_SMALL_CELL_THRESHOLD,
        help_text=_(
            "Les effectifs de 1 à k−1 sont masqués dans les sorties destinées aux "
            "bailleurs. 0 : pas de masquage."
        ),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="project_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="project_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("La fin du projet précède son début.")})
        if self.donor_id and self.donor.kind != OrganisationKind.DONOR:
            raise ValidationError(
                {"donor": _("Le bailleur doit être une organisation de type « bailleur ».")}
            )

    def covers(self, day) -> bool:
        return self.start <= day <= self.end


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The members whose account `user` looks after (their password reset and their
        second factor, DESIGN.md section 5): every one for an IOM officer, their own
        organisation's for a partner manager, none for anyone else."""
        actor = actor_for(user)
        if actor.sees_everything:
            return self
        if actor.role == Role.PARTNER_MANAGER and actor.organisation_id:
            return self.filter(organisation_id=actor.organisation_id)
        return self.none()


class Membership(models.Model):
    """A user's place: one organisation and one role (DESIGN.md section 5)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("actif"), default=True)
    # Set when a manager or an officer resets the user's password (the temporary password
    # was seen by someone else): the user changes it before anything else at their next
    # sign-in (partners.middleware), which clears it.
    must_change_password = models.BooleanField(
        _("doit changer son mot de passe"), default=False, editable=False
    )
    # The language the user last picked in the switcher (partners.views.set_language): what
    # the messages sent while they are away (the morning digest) are written in. Blank: the
    # project's default language.
    language = models.CharField(
        _("langue"), max_length=8, choices=settings.LANGUAGES, blank=True, editable=False
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.organisation_id and self.role in ROLE_ORGANISATION_KINDS:
            allowed = ROLE_ORGANISATION_KINDS[Role(self.role)]
            if self.organisation.kind not in allowed:
                raise ValidationError(
                    {
                        "role": _(
                            "Le rôle « %(role)s » n'est pas possible dans une organisation de type "
                            "« %(kind)s »."
                        )
                        % {
                            "role": self.get_role_display(),
                            "kind": self.organisation.get_kind_display(),
                        }
                    }
                )


class ClosedPeriodQuerySet(models.QuerySet):
    def in_force(self):
        """The closures not reopened."""
        return self.filter(reopened_at__isnull=True)

    def covering(self, project_id: int, day):
        return self.in_force().filter(project_id=project_id, start__lte=day, end__gte=day)


class ClosedPeriod(models.Model):
    """A project's period an IOM officer closed after review: assistances of the project
    dated inside it can no longer be created, corrected or cancelled until it is reopened
    (the reopening is kept here and audited). A property of the project's reporting periods,
    so it lives below the apps that record assistances and print bilans."""

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.PROTECT, related_name="closed_periods"
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clôturée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("clôturée le"), auto_now_add=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rouverte par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    reopen_reason = models.TextField(_("motif de réouverture"), blank=True)

    objects = ClosedPeriodQuerySet.as_manager()

    class Meta:
        # Born in the bilans app; the table kept its name when the model moved here.
        db_table = "bilans_closedperiod"
        verbose_name = _("période clôturée")
        verbose_name_plural = _("périodes clôturées")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="closed_period_bounds"
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="closed_period_reopen_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.start}–{self.end}"

    @property
    def in_force(self) -> bool:
        return self.reopened_at is None


def default_reference_prefix(slug: str) -> str:
    """The prefix of an organisation's case-file references until its admin sets one: the
    first word of its identifier, e.g. "SMSO-" for "smso-oujda"."""
    word = next((part for part in slug.split("-") if part), slug) or "REF"
    return f"{word[:4].upper()}-"


class ReferenceSequence(models.Model):
    """How an organisation numbers its case files: a prefix and the last number given.

    The beneficiaries' services allocate the next reference with this row locked (SELECT …
    FOR UPDATE), so two people registered at the same moment never get the same number.
    """

    organisation = models.OneToOneField(
        Organisation,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reference_sequence",
        verbose_name=_("organisation"),
    )
    prefix = models.CharField(
        _("préfixe des références"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
                _("Lettres sans accents, chiffres et « - . _ / » seulement."),
            )
        ],
        help_text=_(
            "Devant le numéro du dossier : « SMSO- » donne SMSO-00042. La numérotation continue "
            "quand le préfixe change."
        ),
    )
    last_number = models.PositiveIntegerField(_("dernier numéro attribué"), default=0)

    class Meta:
        verbose_name = _("numérotation des dossiers")
        verbose_name_plural = _("numérotations des dossiers")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.reference(self.last_number + 1)}"

    def reference(self, number: int) -> str:
        return f"{self.prefix}{number:05d}"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user sees and revokes their own tokens only (their page, "Mon compte")."""
        if not actor_for(user).is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)

    def live(self, at):
        """The tokens that authenticate at the moment `at`: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)


class ApiToken(models.Model):
    """A key a program sends as `Authorization: Token <key>` (DESIGN.md section 4).

    The key is shown once, when it is made, and never stored: only its SHA-256 (a lookup by
    hash; a random 256-bit key needs no slow hash) and its first characters, to recognise it
    in a list. A token expires (settings.API_TOKEN_TTL_DAYS), and dies when its user revokes
    it, changes or loses their password, or loses their access (partners.services.tokens).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nom"), max_length=100)
    key_hash = models.CharField(_("empreinte de la clé"), max_length=64, unique=True)
    prefix = models.CharField(_("début de la clé"), max_length=8)
    created_at = models.DateTimeField(_("créé le"))
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
