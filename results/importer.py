"""Import of a project's targets from a spreadsheet (CSV or XLSX), whole or nothing as the
assistance importer: every bad row is reported with its row number, column and reason, and
then nothing is changed.

Columns (header row, any order, case-insensitive): `result` (the expected result's French
statement: created when the project has none of that wording), `indicator` (catalogue code),
`baseline`, `target`, `target_female`, `target_male`, `organisation` (a partner's slug,
optional), `city` (a city code, optional). A row whose (result, indicator, organisation, city)
already has a target updates it. The file is read by the assistance importer's reader (same
size, workbook and CSV limits); this one is further bounded to `MAX_BYTES` and `MAX_ROWS`.
The rows are written through the results services (same rules, same audit) in one
transaction, after every row was checked in a few queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assistance.importer.reader import ImportFileError, read_table
from partners.models import City, Project
from reporting.models import Indicator
from results import services
from results.models import MAX_TARGETS_PER_PROJECT, ExpectedResult, Target

COLUMNS = (
    "result",
    "indicator",
    "baseline",
    "target",
    "target_female",
    "target_male",
    "organisation",
    "city",
)
REQUIRED = ("result", "indicator", "target")
MAX_ROWS = MAX_TARGETS_PER_PROJECT
MAX_BYTES = 2 * 1024 * 1024
MAX_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet (the header is row 1); 0: the whole file
    column: str
    reason: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    results_created: int = 0
    targets_created: int = 0
    targets_updated: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _Abort(Exception):
    pass


def _int(value: str, row: int, column: str, errors: list, *, minimum: int, required: bool):
    text = (value or "").strip()
    if not text:
        if required:
            errors.append(RowError(row, column, _("Valeur obligatoire.")))
        return None
    try:
        number = int(text)
    except ValueError:
        errors.append(
            RowError(row, column, _("« %(value)s » n'est pas un nombre entier.") % {"value": text})
        )
        return None
    if number < minimum:
        errors.append(
            RowError(row, column, _("La valeur doit être au moins %(min)s.") % {"min": minimum})
        )
        return None
    return number


def import_targets(
    *, project: Project, content: bytes, filename: str, acting_user, dry_run: bool = False
) -> ImportReport:
    """Check every row of the file, then (unless `dry_run` or any error) write them all."""
    services.require_editor(acting_user)
    report = ImportReport(dry_run=dry_run)
    if len(content) > MAX_BYTES:
        report.errors.append(
            RowError(0, "", _("Le fichier dépasse %(mb)s Mo.") % {"mb": MAX_BYTES // (1024 * 1024)})
        )
        return report
    try:
        table = read_table(content, filename)
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    headers = [(h or "").strip().lower() for h in table.headers]
    missing = [c for c in REQUIRED if c not in headers]
    unknown = [h for h in headers if h and h not in COLUMNS]
    for column in missing:
        report.errors.append(RowError(1, column, _("Colonne obligatoire absente.")))
    for column in unknown:
        report.errors.append(RowError(1, column, _("Colonne inconnue.")))
    if report.errors:
        return report

    rows = []
    for number, cells in table.rows:
        if not any((c or "").strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            report.errors.append(
                RowError(
                    number,
                    "",
                    _("Le fichier dépasse le nombre maximal de lignes (%(n)s).") % {"n": MAX_ROWS},
                )
            )
            return report
        rows.append(
            (
                number,
                {h: (cells[i] if i < len(cells) else "") or "" for i, h in enumerate(headers) if h},
            )
        )
    report.rows = len(rows)

    # Every lookup once, for all the rows.
    indicators = {i.code: i for i in Indicator.objects.active()}
    partners = {o.slug: o for o in project.partners.all()}
    project_cities = list(project.cities.all())
    cities = {c.code: c for c in (project_cities or City.objects.all())}
    existing_results = {r.statement_fr: r for r in ExpectedResult.objects.filter(project=project)}
    existing_targets = {
        (t.result.statement_fr, t.indicator_id, t.organisation_id, t.city_id): t
        for t in Target.objects.filter(result__project=project).select_related("result")
    }

    errors = report.errors
    planned = []
    seen: dict[tuple, int] = {}
    for number, row in rows:
        before = len(errors)
        statement = " ".join(row.get("result", "").split())
        if not statement:
            errors.append(RowError(number, "result", _("Valeur obligatoire.")))
        elif len(statement) > 500:
            errors.append(RowError(number, "result", _("Au plus 500 caractères.")))
        code = row.get("indicator", "").strip()
        indicator = indicators.get(code)
        if not code:
            errors.append(RowError(number, "indicator", _("Valeur obligatoire.")))
        elif indicator is None:
            errors.append(
                RowError(
                    number,
                    "indicator",
                    _("Indicateur « %(code)s » inconnu ou inactif.") % {"code": code},
                )
            )
        baseline = _int(
            row.get("baseline", ""), number, "baseline", errors, minimum=0, required=False
        )
        total = _int(row.get("target", ""), number, "target", errors, minimum=1, required=True)
        female = _int(
            row.get("target_female", ""), number, "target_female", errors, minimum=0, required=False
        )
        male = _int(
            row.get("target_male", ""), number, "target_male", errors, minimum=0, required=False
        )
        if total and (female or 0) + (male or 0) > total:
            errors.append(
                RowError(
                    number,
                    "target_male" if male is not None else "target_female",
                    _("Femmes et hommes ensemble dépassent la valeur cible totale."),
                )
            )
        slug = row.get("organisation", "").strip()
        organisation = partners.get(slug) if slug else None
        if slug and organisation is None:
            errors.append(
                RowError(
                    number,
                    "organisation",
                    _("« %(slug)s » ne met pas en œuvre ce projet.") % {"slug": slug},
                )
            )
        city_code = row.get("city", "").strip()
        city = cities.get(city_code) if city_code else None
        if city_code and city is None:
            errors.append(
                RowError(
                    number,
                    "city",
                    _("Ville « %(code)s » inconnue ou hors du projet.") % {"code": city_code},
                )
            )
        if len(errors) > before:
            continue
        key = (
            statement,
            indicator.pk,
            getattr(organisation, "pk", None),
            getattr(city, "pk", None),
        )
        if key in seen:
            errors.append(
                RowError(
                    number, "indicator", _("Même cible qu'à la ligne %(row)s.") % {"row": seen[key]}
                )
            )
            continue
        seen[key] = number
        planned.append(
            (
                number,
                statement,
                key,
                {
                    "indicator": indicator,
                    "organisation": organisation,
                    "city": city,
                    "baseline": baseline or 0,
                    "target_total": total,
                    "target_female": female,
                    "target_male": male,
                },
            )
        )
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        return report

    try:
        with transaction.atomic():
            _write(project, planned, existing_results, existing_targets, report, acting_user)
            if dry_run:
                raise _Abort
    except _Abort:
        pass
    except ValidationError as exc:
        # A rule only the services see (a bound reached): nothing was kept.
        report.errors.append(RowError(getattr(exc, "row", 0), "", "; ".join(exc.messages)))
        report.results_created = report.targets_created = report.targets_updated = 0
    return report


def _write(project, planned, results, targets, report, acting_user) -> None:
    for number, statement, key, values in planned:
        try:
            result = results.get(statement)
            if result is None:
                result = services.expected_result_create(
                    project=project, statement_fr=statement, acting_user=acting_user
                )
                results[statement] = result
                report.results_created += 1
            existing = targets.get(key)
            if existing is not None:
                services.target_update(target=existing, acting_user=acting_user, **values)
                report.targets_updated += 1
            else:
                services.target_create(result=result, acting_user=acting_user, **values)
                report.targets_created += 1
        except ValidationError as exc:
            exc.row = number
            raise
