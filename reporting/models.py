"""The indicator catalogue: what the engine counts, as data IOM officers edit in the admin."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assistance.choices import ALL_SUBTYPES, Category, Outcome
from core.text import UserTextMixin
from frameworks.models import SubTheme


class Unit(models.TextChoices):
    PERSONS = "persons", _("Personnes")
    SERVICES = "services", _("Services")
    # A value, not a count: the median number of days (case closures only). Its `total`
    # and sex × age cells count the closures the median is taken over.
    DAYS = "days", _("Jours (médiane)")


class Source(models.TextChoices):
    """What an indicator counts: delivered assistances (the fact table), or the openings or
    closures of cases (cases.CaseTransition). DESIGN.md §3 and reporting/README.md."""

    ASSISTANCES = "assistances", _("Assistances délivrées")
    CASE_OPENINGS = "case_openings", _("Ouvertures de dossiers de suivi")
    CASE_CLOSURES = "case_closures", _("Clôtures de dossiers de suivi")


CASE_SOURCES = (Source.CASE_OPENINGS, Source.CASE_CLOSURES)


class AgeScheme(models.TextChoices):
    STANDARD = "standard", _("Standard (0-4, 5-11, 12-17, 18-24, 25-59, 60+)")
    AVRR = "avrr", _("AVRR (0-10, 11-18, 19-35, 36-65, 66+)")
    RETURNEES = "returnees", _("Personnes de retour (0-18, 19-35, 36-60, 61+)")


# Inclusive integer bounds; the last band is open (DESIGN.md section 3).
AGE_SCHEMES: dict[str, tuple[tuple[int, int | None], ...]] = {
    AgeScheme.STANDARD: ((0, 4), (5, 11), (12, 17), (18, 24), (25, 59), (60, None)),
    AgeScheme.AVRR: ((0, 10), (11, 18), (19, 35), (36, 65), (66, None)),
    AgeScheme.RETURNEES: ((0, 18), (19, 35), (36, 60), (61, None)),
}


def band_key(lo: int, hi: int | None) -> str:
    return f"{lo}+" if hi is None else f"{lo}-{hi}"


def band_keys(scheme: str) -> list[str]:
    """The `by_age_band` keys of `scheme`, in order, ending with "unknown"."""
    return [band_key(lo, hi) for lo, hi in AGE_SCHEMES[scheme]] + ["unknown"]


def band_of(age: int | None, scheme: str) -> str:
    """The band key of `age` (whole years) in `scheme`; "unknown" for None or a negative age."""
    if age is None or age < 0:
        return "unknown"
    for lo, hi in AGE_SCHEMES[scheme]:
        if age >= lo and (hi is None or age <= hi):
            return band_key(lo, hi)
    return "unknown"


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Indicator(UserTextMixin, models.Model):
    """One indicator of the catalogue (DESIGN.md section 3).

    A delivered assistance qualifies when its category is in `categories`, its subtype in
    `subtypes` and its outcome in `outcomes` (an empty list means "any"). `persons` indicators
    count distinct people, `services` indicators count rows. The `code` is the contract of
    the bilan JSON: never rename a seeded one.
    """

    USER_TEXT_FIELDS = ("label_fr", "label_en", "label_ar")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_fr = models.CharField(_("libellé (français)"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200)
    label_ar = models.CharField(_("libellé (arabe)"), max_length=200)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices)
    source = models.CharField(
        _("ce qui est compté"),
        max_length=20,
        choices=Source.choices,
        default=Source.ASSISTANCES,
        help_text=_(
            "Les filtres de catégorie, de type et d'issue ne s'appliquent qu'aux assistances."
        ),
    )
    categories = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        verbose_name=_("catégories"),
        default=list,
        blank=True,
        help_text=_("Vide : toutes les catégories."),
    )
    subtypes = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("types"),
        default=list,
        blank=True,
        help_text=_("Vide : tous les types."),
    )
    outcomes = ArrayField(
        models.CharField(max_length=20, choices=Outcome.choices),
        verbose_name=_("issues"),
        default=list,
        blank=True,
        help_text=_("Vide : toutes les issues."),
    )
    age_scheme = models.CharField(
        _("tranches d'âge"), max_length=10, choices=AgeScheme.choices, default=AgeScheme.STANDARD
    )
    sub_theme = models.ForeignKey(
        SubTheme,
        verbose_name=_("sous-thématique"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_(
            "Le chapitre du bilan de la mission où l'indicateur paraît. Vide : un total "
            "de la mission (personnes atteintes, assistances délivrées)."
        ),
    )
    by_country = models.BooleanField(_("ventilation par pays"), default=False)
    by_subtype = models.BooleanField(_("ventilation par type"), default=False)
    by_closure_reason = models.BooleanField(_("ventilation par motif de clôture"), default=False)
    ordering = models.PositiveSmallIntegerField(_("ordre"), default=100)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["ordering", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="indicator_unit_valid"),
            models.CheckConstraint(
                condition=Q(age_scheme__in=AgeScheme.values), name="indicator_age_scheme_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="indicator_source_valid"
            ),
            # What the engine can count: days only for closures, cases only as persons or
            # days, a closure reason only for persons whose case was closed.
            models.CheckConstraint(
                condition=(
                    Q(source=Source.ASSISTANCES, by_closure_reason=False)
                    & Q(unit__in=[Unit.PERSONS, Unit.SERVICES])
                )
                | Q(source=Source.CASE_OPENINGS, unit=Unit.PERSONS, by_closure_reason=False)
                | Q(source=Source.CASE_CLOSURES, unit=Unit.PERSONS)
                | Q(source=Source.CASE_CLOSURES, unit=Unit.DAYS, by_closure_reason=False),
                name="indicator_source_unit_valid",
            ),
            models.CheckConstraint(
                condition=Q(categories__contained_by=Category.values),
                name="indicator_categories_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcomes__contained_by=Outcome.values),
                name="indicator_outcomes_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label()}"

    def label(self, language: str | None = None) -> str:
        """The label in `language` (default: the active one), French when missing."""
        language = (language or get_language() or "fr")[:2]
        return getattr(self, f"label_{language}", "") or self.label_fr

    @property
    def counts_cases(self) -> bool:
        """Whether this indicator counts case openings or closures (not assistances)."""
        return self.source in CASE_SOURCES

    def clean(self) -> None:
        unknown = set(self.subtypes or []) - set(ALL_SUBTYPES)
        if unknown:
            raise ValidationError(
                {
                    "subtypes": _("Types inconnus : %(codes)s")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )
        errors = {}
        if self.counts_cases:
            for name in ("categories", "subtypes", "outcomes"):
                if getattr(self, name):
                    errors[name] = _("Les dossiers de suivi ne se filtrent pas ainsi.")
            for name in ("by_country", "by_subtype"):
                if getattr(self, name):
                    errors[name] = _("Les dossiers de suivi n'ont pas cette ventilation.")
            allowed = (
                (Unit.PERSONS, Unit.DAYS)
                if self.source == Source.CASE_CLOSURES
                else (Unit.PERSONS,)
            )
            if self.unit not in allowed:
                errors["unit"] = _("Cette unité ne convient pas à ce qui est compté.")
        elif self.unit == Unit.DAYS:
            errors["unit"] = _("Les jours ne se comptent que pour les clôtures de dossiers.")
        if self.by_closure_reason and (
            self.source != Source.CASE_CLOSURES or self.unit != Unit.PERSONS
        ):
            errors["by_closure_reason"] = _(
                "Seules les personnes dont le dossier a été clôturé se ventilent par motif."
            )
        if errors:
            raise ValidationError(errors)


class FactKind(models.Model):
    """One (category, subtype, outcome) combination seen among delivered assistances.

    A dimension of `Fact`: the engine decides once per kind (a few dozen rows) which
    indicators a kind qualifies for, instead of once per assistance. Filled by the database
    triggers that maintain `Fact` (migration 0004); never written by the application.
    """

    id = models.SmallAutoField(primary_key=True)
    category = models.CharField(max_length=20)
    subtype = models.CharField(max_length=32)
    outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "subtype", "outcome"], name="reporting_factkind_unique"
            )
        ]

    def __str__(self) -> str:
        return "/".join(filter(None, (self.category, self.subtype, self.outcome)))


def _reference(model, **options) -> models.ForeignKey:
    """A column of `Fact` pointing at a source row: copied by the triggers from rows whose own
    constraints already hold, so no constraint or index of its own (the covering index
    serves the engine)."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        **options,
    )


class Fact(models.Model):
    """One delivered assistance as the engine counts it: a narrow, derived copy of the
    assistance row joined to the person it counts for.

    - `person` is the record the assistance counts for (`merged_into`, else the beneficiary)
      and `sex`, `born_key`, `is_migrant` are that record's;
    - `day_key` is `delivered_on` as the integer yyyymmdd and `born_key` the (estimated)
      birth date likewise (1 July of `birth_year` when only that is known), so an age is
      `(day_key - born_key) // 10000`.

    The rows are maintained by PostgreSQL triggers on the assistance and beneficiary tables
    (migration 0004), in the same transaction as the write, whatever wrote it: services,
    the importer's COPY, the admin or a hand-run SQL fix. `manage.py reporting_facts --check`
    compares the table with the view it is defined by, and `--rebuild` refills it.
    """

    assistance = models.OneToOneField(
        "assistance.Assistance",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    person = _reference("beneficiaries.Beneficiary")
    project = _reference("partners.Project", null=True)
    provider = _reference("partners.Organisation")
    city = _reference("partners.City", null=True)
    day_key = models.IntegerField()
    kind = _reference(FactKind)
    country = models.CharField(max_length=2, blank=True)
    sex = models.CharField(max_length=1)
    born_key = models.IntegerField(null=True)
    is_migrant = models.BooleanField()

    class Meta:
        indexes = [
            # A project's rows in the order the engine walks them (person, then date, then
            # id), holding every column it reads: a bilan is one index-only scan, no sort.
            models.Index(
                fields=["project", "person", "day_key", "assistance"],
                include=["kind", "sex", "born_key", "country", "provider", "city", "is_migrant"],
                name="reporting_fact_project",
            ),
            # Scopes without a project (an organisation's or a city's dashboard).
            models.Index(fields=["day_key"], name="reporting_fact_day"),
        ]

    def __str__(self) -> str:
        return f"fact {self.assistance_id}"
