"""The import itself: a file's rows to a plan, then to the database, whole or not at all.

Every row is validated by the models' own rules (`full_clean()`, exactly as the batch services
`beneficiary_register_many` and `assistance_record_many` do) plus the services' batch checks
(rights, project partnership, closed periods), in Python, against lookups loaded once per
batch of refs: the number of queries grows with batches of rows, never with rows. Nothing is
written unless every row is good; the writes are bulk inserts and updates, audited like any
other write, in one transaction held under a per-organisation lock.
"""

from __future__ import annotations

import datetime
import functools
import gc
import io
import json
import queue
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance import services as assistance_services
from assistance.choices import SUBTYPES, Outcome, Status
from assistance.importer import columns as col
from assistance.importer.reader import ImportFileError, read_table
from assistance.models import Assistance
from beneficiaries import services as beneficiary_services
from beneficiaries.models import Beneficiary
from core.audit import diff, plain, snapshot
from core.models import AuditEntry
from core.text import plain_text
from partners.access import SYSTEM, require_acting_user
from partners.choices import OrganisationKind
from partners.models import City, ClosedPeriod, Project
from partners.permissions import acting_organisation_id

LOOKUP_CHUNK = 5000
WRITE_BATCH = 2000
COPY_BATCH = 20000
# COPY statements run (the benchmark adds them to the queries it counts).
COPY_STATEMENTS = [0]
PREVIEW_ROWS = 10
# A report keeps the first errors in row order, and counts them all: a file with a million
# bad rows gives a report of the same size as one with a thousand.
ERRORS_KEPT = 1000

# What an import may change on an existing record (the person's columns; the row's columns).
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "nationality",
    "city_id",
    "is_migrant",
    "vulnerabilities",
)
ASSISTANCE_FIELDS = (
    "category",
    "subtype",
    "delivered_on",
    "status",
    "project_id",
    "city_id",
    "country",
    "quantity",
    "value_mad",
    "outcome",
    "notes",
)
# Columns whose text keeps its line breaks (the models' multi-line fields).
MULTILINE_COLUMNS = frozenset(Assistance.USER_MULTILINE_FIELDS) & frozenset(col.COLUMNS)
# Model field → the column the user wrote it in.
FIELD_COLUMN = {
    "city_id": "city",
    "city": "city",
    "is_migrant": "migrant",
    "project_id": "project",
    "beneficiary": "beneficiary_ref",
    "registered_on": "delivered_on",
    "__all__": "",
}
# The batch services' own full_clean() call: the same rules, the same foreign keys left to the
# batch checks.
BENEFICIARY_EXCLUDE = beneficiary_services.BATCH_CLEAN_EXCLUDE
ASSISTANCE_EXCLUDE = assistance_services.BATCH_CLEAN_EXCLUDE

Progress = Callable[[float], None]


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def errors_summary(total: int, kept: int) -> str:
    """The sentence « 1 000 premières erreurs sur 4 321 » when only the first `kept` of `total`
    errors were kept (the report, the pages, the API and the command say it alike), else ""."""
    if total <= kept:
        return ""
    return ngettext(
        "%(kept)s première erreur sur %(total)s",
        "%(kept)s premières erreurs sur %(total)s",
        kept,
    ) % {
        "kept": number_format(kept, force_grouping=True),
        "total": number_format(total, force_grouping=True),
    }


@dataclass
class Report:
    """What an import found (dry run) or did: counts, the first rows, the first
    `ERRORS_KEPT` errors in row order and how many there were in all."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def errors_summary(self) -> str:
        return errors_summary(self.error_count, len(self.errors))

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "ok": self.ok,
            "written": self.written,
            "counts": self.counts,
            "error_count": self.error_count,
            "errors_summary": self.errors_summary,
            "errors": [e.as_dict() for e in self.errors],
            "ignored_columns": self.ignored_columns,
            "preview": self.preview,
        }


def field_defaults(model, **values) -> dict:
    """Every concrete field's default (as `Model()` would set it), overridden by `values`."""
    defaults = {field.attname: field.get_default() for field in model._meta.concrete_fields}
    defaults.update(values)
    return defaults


def new_instance(model, defaults: dict, /, **values):
    """`model(**values)` with every field set, the way Django's `Model.from_db()` fills a row:
    no per-field descriptor work (several times faster on a 100,000-row file), same defaults.
    """
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(defaults)
    instance.__dict__.update(values)
    return instance


class _Cleaner:
    """`Model.full_clean(exclude=…, validate_unique=False, validate_constraints=False)`, as the
    batch services call it, with each field's own validation memoised per value.

    A field's rules (type, length, choices, validators) depend only on the value, so a value
    seen on an earlier row gives the same result; the model's `clean()` still runs per row.
    The same rules as the services, run once per distinct value instead of once per row.
    """

    def __init__(self, model, exclude):
        self.fields = [f for f in model._meta.fields if f.name not in exclude and not f.generated]
        self.memo: dict[tuple, object] = {}

    def full_clean(self, instance) -> None:
        errors: dict = {}
        memo = self.memo
        for model_field in self.fields:
            raw = getattr(instance, model_field.attname)
            if model_field.blank and raw in model_field.empty_values:
                continue
            key = (model_field.attname, tuple(raw) if isinstance(raw, list) else raw)
            try:
                result = memo[key]
            except KeyError:
                try:
                    result = model_field.clean(raw, instance)
                except ValidationError as exc:
                    result = exc
                memo[key] = result
            if isinstance(result, ValidationError):
                errors[model_field.name] = list(result.error_list)
            else:
                setattr(
                    instance, model_field.attname, list(result) if isinstance(raw, list) else result
                )
        try:
            instance.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class _Person:
    """The person's columns gathered from every row that names the same beneficiary_ref."""

    def __init__(self, ref: str, first_row: int):
        self.ref = ref
        self.first_row = first_row
        self.values: dict[str, object] = {}
        self.source: dict[str, tuple[int, str]] = {}  # field → (row, cell text)
        self.dates: list[datetime.date] = []
        self.instance: Beneficiary | None = None
        self.before: dict | None = None  # snapshot of an existing record
        self.changes: dict = {}
        self.bad = False


class _Plan:
    def __init__(self):
        self.report = Report()
        self.persons: dict[str, _Person] = {}
        self.new_assistances: list[Assistance] = []
        self.updated_assistances: list[tuple[Assistance, dict]] = []
        # (number, column) of the errors of the row reported last (`plan_columns`).
        self.row_errors: list[tuple[int, str]] = []
        self.row_errors_row: int | None = None

    def error(self, row, column, value, message):
        report = self.report
        if row != self.row_errors_row:
            self.row_errors, self.row_errors_row = [], row
        self.row_errors.append((report.error_count, column))
        report.error_count += 1
        report.errors.append(
            RowError(row=row, column=column, value=_clip(value), message=str(message))
        )
        if len(report.errors) >= 2 * ERRORS_KEPT:
            self.keep_first_errors()

    def keep_first_errors(self) -> None:
        """Sort the errors by row and keep the first ERRORS_KEPT (a stable sort: errors of the
        same cell stay in the order found, exactly as sorting every error would give)."""
        errors = self.report.errors
        errors.sort(key=lambda e: (e.row or 0, e.column))
        del errors[ERRORS_KEPT:]


def _clip(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _messages(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                yield name, message
    else:
        for message in exc.messages:
            yield "__all__", message


def _any(column: str, values: list) -> RawSQL:
    """`column = ANY(%s)` with the values as one array parameter: the same rows as
    `column__in=values`, without building thousands of placeholders per query."""
    # The column names are constants of this module; the values go as a parameter.
    sql = f'"{column}" = ANY(%s)'
    return RawSQL(sql, (list(values),), output_field=BooleanField())  # noqa: S611


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _choice_reader(choices, *codes) -> dict[str, str]:
    table = {col.read_code(code): code for code in codes}
    for value, label in choices:
        table[col.read_code(str(label))] = value
    return table


def run_import(
    *,
    content: bytes,
    filename: str,
    organisation,
    acting_user,
    project: Project | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Validate the file, and unless `dry_run` or any row is bad, write it whole.

    `acting_user` SYSTEM is the operator at the command line (trusted, audited as nobody);
    a user's rights are those of the services: partner staff write only for their own
    organisation, with the projects they can see. None is refused (TypeError).
    """
    require_acting_user(acting_user)
    if acting_user is not SYSTEM:
        acting_organisation_id(acting_user, organisation)
    progress = progress or (lambda fraction: None)
    # Hundreds of thousands of short-lived objects and no reference cycles worth collecting:
    # the cyclic collector would rescan the growing heap again and again. Back on at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(content, filename, organisation, acting_user, project, dry_run, progress)
    finally:
        if collecting:
            gc.enable()


def _run(content, filename, organisation, acting_user, project, dry_run, progress) -> Report:
    if dry_run:
        return _plan(content, filename, organisation, acting_user, project, progress).report
    with transaction.atomic():
        # Two imports into the same organisation run one after the other: the second sees
        # the first's people and refs, so the key (organisation, ref) stays unique.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7007, organisation.pk])
        plan = _plan(content, filename, organisation, acting_user, project, progress)
        if plan.report.ok:
            try:
                with transaction.atomic():
                    _write(plan, organisation, acting_user, progress)
            except IntegrityError:
                # A record written meanwhile by another page (the same reference): nothing of
                # the file is kept; running the import again takes it into account.
                plan.error(
                    None,
                    "",
                    "",
                    _(
                        "Une fiche ou une assistance de ce fichier vient d'être enregistrée par "
                        "ailleurs : rien n'a été importé, relancez l'import."
                    ),
                )
            else:
                plan.report.written = True
        return plan.report


# --- Planning -------------------------------------------------------------------------------


def _plan(content, filename, organisation, acting_user, default_project, progress) -> _Plan:
    plan = _Plan()
    try:
        table = read_table(content, filename)
        index, ignored = _header_index(table.headers)
        plan.report.ignored_columns = ignored
        missing = [name for name in col.REQUIRED if name not in index]
        for name in missing:
            plan.error(
                1, name, "", _("Colonne obligatoire absente : « %(column)s ».") % {"column": name}
            )
        if missing:
            return plan
        positions = list(index.items())
        raw_rows = []
        for number, cells in table.rows:
            # A row may stop before the header's last column (its last cells empty).
            width = len(cells)
            # The same text rules as every other path (core.text), then the formula guard.
            values = {
                name: plain_text(
                    cells[position] if position < width else "",
                    multiline=name in MULTILINE_COLUMNS,
                )
                for name, position in positions
            }
            for name, text in values.items():
                if text[:1] == "'":
                    values[name] = col.unneutralise(text)
            raw_rows.append((number, values))
    except ImportFileError as exc:
        plan.error(exc.row, exc.column, "", exc.message)
        return plan
    plan.report.rows = len(raw_rows)
    if not raw_rows:
        plan.error(2, "", "", _("Le fichier ne contient aucune ligne de données."))
        return plan
    plan.report.preview = [
        {"row": number, **{name: _clip(value) for name, value in cells.items()}}
        for number, cells in raw_rows[:PREVIEW_ROWS]
    ]
    progress(0.05)
    lookups = _Lookups(organisation, acting_user, default_project)
    rows = [_convert(plan, lookups, number, cells) for number, cells in raw_rows]
    progress(0.2)
    lookups.load_people(organisation, list(plan.persons))
    _build_people(plan, organisation, acting_user, lookups)
    progress(0.3)
    lookups.load_assistances(organisation, rows, plan.persons)
    _build_assistances(plan, organisation, acting_user, lookups, rows, progress)
    plan.keep_first_errors()
    persons = plan.persons.values()
    plan.report.counts = {
        "persons_new": sum(1 for p in persons if p.before is None),
        "persons_updated": sum(1 for p in persons if p.changes),
        "persons_unchanged": sum(1 for p in persons if p.before is not None and not p.changes),
        "assistances_new": len(plan.new_assistances),
        "assistances_updated": len(plan.updated_assistances),
        "assistances_unchanged": lookups.unchanged,
    }
    return plan


def _header_index(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        key = col.header_key(header)
        if key in col.COLUMNS:
            if key in index:
                raise ImportFileError(
                    _("La colonne « %(column)s » apparaît deux fois.") % {"column": key},
                    row=1,
                    column=key,
                )
            index[key] = position
        elif key:
            ignored.append(header)
    return index, ignored


class _Lookups:
    """Everything the rows refer to, loaded once per import (or per chunk of refs)."""

    def __init__(self, organisation, acting_user, default_project):
        self.cities: dict[str, int] = {}
        for city in City.objects.only("id", "code", "name", "name_ar"):
            for key in (city.code, city.name, city.name_ar):
                if key:
                    self.cities.setdefault(col.fold(key), city.pk)
        projects = (
            Project.objects.all()
            if acting_user is SYSTEM
            else Project.objects.visible_to(acting_user)
        ).prefetch_related("partners")
        self.projects = {p.code.upper(): p for p in projects}
        self.partner_of = {
            code
            for code, p in self.projects.items()
            if organisation.kind == OrganisationKind.IOM
            or any(o.pk == organisation.pk for o in p.partners.all())
        }
        self.default_project = default_project
        self.closed = defaultdict(list)
        for period in ClosedPeriod.objects.in_force().filter(
            project_id__in=[p.pk for p in self.projects.values()]
        ):
            self.closed[period.project_id].append(period)
        self.statuses = _choice_reader(Status.choices, *Status.values)
        self.statuses.update({"delivered": Status.DELIVERED, "livree": Status.DELIVERED})
        self.outcomes = _choice_reader(Outcome.choices, *Outcome.values)
        self.people: dict[str, Beneficiary] = {}
        self.by_ref: dict[str, Assistance] = {}
        self.refless: dict[int, list[Assistance]] = defaultdict(list)
        self.unchanged = 0
        self.memo: dict[tuple, object] = {}

    def load_people(self, organisation, refs: list[str]) -> None:
        for chunk in _chunks(refs):
            for person in Beneficiary.objects.filter(
                _any("beneficiary_ref", chunk), organisation=organisation
            ):
                self.people[person.beneficiary_ref] = person

    def load_assistances(self, organisation, rows, persons) -> None:
        refs = sorted({row["assistance_ref"] for row in rows if row and row["assistance_ref"]})
        for chunk in _chunks(refs):
            # `exclude(assistance_ref="")` lets PostgreSQL use the partial unique index.
            for assistance in Assistance.objects.filter(
                _any("assistance_ref", chunk), provider=organisation
            ).exclude(assistance_ref=""):
                self.by_ref[assistance.assistance_ref] = assistance
        known = sorted(p.instance.pk for p in persons.values() if p.before is not None)
        if any(row and not row["assistance_ref"] for row in rows):
            for chunk in _chunks(known):
                for assistance in Assistance.objects.filter(
                    _any("beneficiary_id", chunk), provider=organisation, assistance_ref=""
                ):
                    self.refless[assistance.beneficiary_id].append(assistance)


def _convert(plan: _Plan, lookups: _Lookups, number: int, cells: dict[str, str]) -> dict | None:
    """One row's cells to values; its errors go to the report. None if the row is unusable."""
    bad = False
    memo = lookups.memo
    first_error = plan.report.error_count

    def read(name, reader):
        # The same text read by the same reader gives the same value (or error): spreadsheets
        # repeat dates, sexes and countries on thousands of rows.
        nonlocal bad
        text = cells.get(name, "")
        key = (reader, text)
        try:
            result = memo[key]
        except KeyError:
            try:
                result = reader(text)
            except col.CellError as exc:
                result = exc
            memo[key] = result
        if isinstance(result, col.CellError):
            plan.error(number, name, text, result)
            bad = True
            return None
        return result

    for name, text in cells.items():
        if len(text) > col.MAX_CELL_CHARS:
            plan.error(
                number,
                name,
                text,
                ngettext(
                    "Cellule trop longue : %(counter)s caractère (maximum %(limit)s).",
                    "Cellule trop longue : %(counter)s caractères (maximum %(limit)s).",
                    len(text),
                )
                % {"counter": len(text), "limit": col.MAX_CELL_CHARS},
            )
            cells[name] = ""
            bad = True
    for name in ("beneficiary_ref", "category", "delivered_on"):
        if not cells.get(name) and name not in plan_columns(plan, first_error):
            plan.error(number, name, "", _("Valeur obligatoire manquante."))
            bad = True

    ref = cells.get("beneficiary_ref", "")
    if ref:
        read("beneficiary_ref", col.read_beneficiary_ref)  # not the template's example
    person = plan.persons.get(ref) if ref else None
    if ref and person is None:
        person = plan.persons[ref] = _Person(ref, number)

    values = {
        "first_name": cells.get("first_name", ""),
        "last_name": cells.get("last_name", ""),
        "sex": read("sex", col.read_sex) if cells.get("sex") else None,
        "date_of_birth": read("date_of_birth", col.read_date),
        "birth_year": read("birth_year", col.read_year),
        "nationality": read("nationality", col.read_country),
        "is_migrant": read("migrant", col.read_boolean),
        "vulnerabilities": list(read("vulnerabilities", col.read_codes) or ()) or None,
        "city_id": None,
    }
    city_text = cells.get("city", "")
    if city_text:
        values["city_id"] = lookups.cities.get(col.fold(city_text))
        if values["city_id"] is None:
            plan.error(
                number, "city", city_text, _("Ville inconnue : « %(city)s ».") % {"city": city_text}
            )
            bad = True
    if person is not None:
        for name, value in values.items():
            if value in (None, ""):
                continue
            column = FIELD_COLUMN.get(name, name)
            if name not in person.values:
                person.values[name] = value
                person.source[name] = (number, cells.get(column, ""))
            elif person.values[name] != value:
                plan.error(
                    number,
                    column,
                    cells.get(column, ""),
                    _(
                        "Pour le même dossier « %(ref)s », la ligne %(row)s indique une autre "
                        "valeur."
                    )
                    % {"ref": ref, "row": person.source[name][0]},
                )
                bad = True

    category = col.read_code(cells.get("category", ""))
    subtype = col.read_code(cells.get("subtype", ""))
    if not subtype and "other" in SUBTYPES.get(category, ()):
        subtype = "other"
    status_text = cells.get("status", "")
    status = lookups.statuses.get(col.read_code(status_text)) if status_text else Status.DELIVERED
    if status is None:
        plan.error(
            number,
            "status",
            status_text,
            _("Statut inconnu : delivered, planned ou cancelled (délivrée, prévue, annulée)."),
        )
        bad = True
    outcome_text = cells.get("outcome", "")
    outcome = lookups.outcomes.get(col.read_code(outcome_text)) if outcome_text else ""
    if outcome is None:
        plan.error(
            number,
            "outcome",
            outcome_text,
            _("Issue inconnue : pending, service_received, declined ou no_show."),
        )
        bad = True
    project_text = cells.get("project", "")
    project = lookups.default_project
    if project_text:
        project = lookups.projects.get(project_text.upper())
        if project is None:
            plan.error(number, "project", project_text, _("Projet inconnu ou inaccessible."))
            bad = True
    if project is not None and project.code.upper() not in lookups.partner_of:
        plan.error(
            number,
            "project",
            project.code,
            _("Votre organisation n'est pas partenaire de ce projet."),
        )
        bad = True
    delivered_on = read("delivered_on", col.read_date)
    if delivered_on and person is not None:
        person.dates.append(delivered_on)
    row = {
        "row": number,
        "cells": cells,
        "person": person,
        "assistance_ref": cells.get("assistance_ref", ""),
        "category": category,
        "subtype": subtype,
        "delivered_on": delivered_on,
        "status": status,
        "outcome": outcome,
        "project": project,
        "city_id": values["city_id"],
        "country": read("country", col.read_country),
        "quantity": read("quantity", col.read_decimal),
        "value_mad": read("value_mad", col.read_decimal),
        "notes": cells.get("notes", ""),
    }
    if bad and person is not None:
        person.bad = True
    if person is None:
        return None
    # A bad row is still checked by the model's rules, so the report names every problem of
    # the row at once, not one per attempt; cells already reported are not repeated.
    row["bad"] = bad
    row["error_columns"] = plan_columns(plan, first_error)
    return row


def plan_columns(plan: _Plan, since: int) -> set[str]:
    """The columns reported since the `since`-th error (those of the current row)."""
    return {column for number, column in plan.row_errors if number >= since}


def _build_people(plan: _Plan, organisation, acting_user, lookups: _Lookups) -> None:
    today = timezone.localdate()
    placeholder = 0
    cleaner = _Cleaner(Beneficiary, BENEFICIARY_EXCLUDE)
    person_defaults = field_defaults(
        Beneficiary,
        organisation_id=organisation.pk,
        created_by_id=getattr(acting_user, "pk", None),
    )
    for ref, person in plan.persons.items():
        existing = lookups.people.get(ref)
        values = person.values
        if existing is not None:
            if existing.merged_into_id:
                plan.error(
                    person.first_row,
                    "beneficiary_ref",
                    ref,
                    _(
                        "Ce dossier a été fusionné dans un autre : importez sur le dossier "
                        "conservé."
                    ),
                )
                person.bad = True
            person.before = snapshot(existing)
            for name, value in values.items():
                setattr(existing, name, value)
            instance = existing
        else:
            born = values.get("date_of_birth")
            registered = min([*person.dates, today])
            if born and registered < born:
                registered = min(born, today)
            instance = new_instance(
                Beneficiary,
                person_defaults,
                beneficiary_ref=ref,
                registered_on=registered,
                **{
                    **values,
                    "sex": values.get("sex") or "U",
                    "vulnerabilities": values.get("vulnerabilities") or [],
                },
            )
            # A placeholder id, so the assistances' own before-birth rule (which reads the
            # person only when it has an id) runs against this in-memory person; cleared
            # before the insert.
            placeholder -= 1
            instance.pk = placeholder
        person.instance = instance
        try:
            cleaner.full_clean(instance)
        except ValidationError as exc:
            person.bad = True
            for name, message in dict(_messages(exc)).items():
                row, text = person.source.get(name, (person.first_row, ""))
                plan.error(row, FIELD_COLUMN.get(name, name), text, message)
        if person.before is not None:
            person.changes = diff(person.before, snapshot(instance))


def _build_assistances(plan, organisation, acting_user, lookups, rows, progress) -> None:
    seen_refs: dict[str, int] = {}
    cleaner = _Cleaner(Assistance, ASSISTANCE_EXCLUDE)
    defaults = field_defaults(
        Assistance,
        provider_id=organisation.pk,
        created_by_id=getattr(acting_user, "pk", None),
    )
    refless_pool: dict[int, Counter] = {}
    total = max(len(rows), 1)
    for position, row in enumerate(rows):
        if position % 5000 == 0:
            progress(0.3 + 0.3 * position / total)
        if row is None:
            continue
        number, cells, person = row["row"], row["cells"], row["person"]
        bad, reported = row["bad"], row["error_columns"]
        ref = row["assistance_ref"]
        if ref:
            if ref in seen_refs:
                plan.error(
                    number,
                    "assistance_ref",
                    ref,
                    _("La référence « %(ref)s » apparaît déjà à la ligne %(row)s du fichier.")
                    % {"ref": ref, "row": seen_refs[ref]},
                )
                bad = True
            else:
                seen_refs[ref] = number
        beneficiary = person.instance
        assistance = new_instance(
            Assistance,
            defaults,
            beneficiary_id=beneficiary.pk,
            category=row["category"],
            subtype=row["subtype"],
            delivered_on=row["delivered_on"],
            status=row["status"],
            project_id=row["project"].pk if row["project"] else None,
            city_id=row["city_id"] or beneficiary.city_id,
            country=row["country"] or "",
            quantity=1 if row["quantity"] is None else row["quantity"],
            value_mad=row["value_mad"],
            outcome=row["outcome"],
            notes=row["notes"],
            assistance_ref=ref,
        )
        # The related objects the model's clean() reads, from memory rather than queries.
        assistance.beneficiary = beneficiary
        if row["project"] is not None:
            assistance.project = row["project"]
        try:
            cleaner.full_clean(assistance)
        except ValidationError as exc:
            # One message per cell: the model's own clean() speaks last and most precisely.
            messages = dict(_messages(exc))
            for name, message in messages.items():
                if name == "subtype" and "category" in messages:
                    continue  # an unknown category: its subtype cannot match anything
                column = FIELD_COLUMN.get(name, name)
                if column not in reported:
                    value = cells.get(column, "")
                    if column == "project" and not value and row["project"] is not None:
                        value = row["project"].code  # the default project of the import
                    plan.error(number, column, value, message)
            continue
        if bad:
            continue
        project = row["project"]
        if project is not None and any(
            p.start <= assistance.delivered_on <= p.end for p in lookups.closed[project.pk]
        ):
            plan.error(
                number,
                "delivered_on",
                cells.get("delivered_on", ""),
                _("Cette date tombe dans une période clôturée du projet %(project)s.")
                % {"project": project.code},
            )
            continue
        if person.bad:
            continue
        _match(plan, lookups, assistance, number, cells, refless_pool)


def _signature(assistance: Assistance) -> tuple:
    return tuple(getattr(assistance, name) for name in ASSISTANCE_FIELDS)


def _match(plan, lookups, assistance, number, cells, refless_pool) -> None:
    """New, changed or unchanged: by (provider, assistance_ref), or for a row without a ref,
    an identical ref-less row of the same person already recorded."""
    person = assistance.beneficiary
    if assistance.assistance_ref:
        current = lookups.by_ref.get(assistance.assistance_ref)
        if current is None:
            plan.new_assistances.append(assistance)
            return
        if current.beneficiary_id != person.pk:
            plan.error(
                number,
                "assistance_ref",
                assistance.assistance_ref,
                _("Cette référence d'assistance est déjà utilisée pour une autre personne."),
            )
            return
        changes = {
            name: getattr(assistance, name)
            for name in ASSISTANCE_FIELDS
            if getattr(current, name) != getattr(assistance, name)
        }
        if not changes:
            lookups.unchanged += 1
            return
        if current.project_id and any(
            p.start <= current.delivered_on <= p.end for p in lookups.closed[current.project_id]
        ):
            plan.error(
                number,
                "assistance_ref",
                assistance.assistance_ref,
                _(
                    "L'assistance existante est dans une période clôturée : elle ne peut plus "
                    "être modifiée."
                ),
            )
            return
        plan.updated_assistances.append((current, changes))
        return
    if person.pk and person.pk > 0:
        pool = refless_pool.get(person.pk)
        if pool is None:
            pool = refless_pool[person.pk] = Counter(
                _signature(a) for a in lookups.refless.get(person.pk, ())
            )
        signature = _signature(assistance)
        if pool[signature] > 0:
            pool[signature] -= 1
            lookups.unchanged += 1
            return
    plan.new_assistances.append(assistance)


# --- Writing --------------------------------------------------------------------------------


def _write(plan: _Plan, organisation, acting_user, progress: Progress) -> None:
    now = timezone.now()
    actor_id = getattr(acting_user, "pk", None)
    create, update = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE
    audit: list[tuple] = []  # rows of AUDIT_COLUMNS, written by COPY at the end
    new_people = [p.instance for p in plan.persons.values() if p.before is None]
    changed_people = [(p.instance, p.changes) for p in plan.persons.values() if p.changes]
    # Updates first (ordinary queries), then every insert through one COPY pipeline.
    if changed_people:
        names = sorted({name for _b, changes in changed_people for name in changes})
        for person, changes in changed_people:
            person.version += 1
            person.updated_at = now
            audit.append(_audit_row(now, actor_id, update, person, changes))
        Beneficiary.objects.bulk_update(
            [b for b, _c in changed_people],
            [*names, "version", "updated_at"],
            batch_size=WRITE_BATCH,
        )
    if plan.updated_assistances:
        names = sorted({name for _a, changes in plan.updated_assistances for name in changes})
        for current, changes in plan.updated_assistances:
            before = snapshot(current)
            for name, value in changes.items():
                setattr(current, name, value)
            current.version += 1
            current.updated_at = now
            audit.append(
                _audit_row(now, actor_id, update, current, diff(before, snapshot(current)))
            )
        Assistance.objects.bulk_update(
            [a for a, _c in plan.updated_assistances],
            [*names, "version", "updated_at"],
            batch_size=WRITE_BATCH,
        )
    for person in new_people:
        person.pk = None
    reserve_ids(Beneficiary, new_people)
    reserve_ids(Assistance, plan.new_assistances)
    for assistance in plan.new_assistances:
        assistance.beneficiary_id = assistance.beneficiary.pk
    with _CopyPipeline() as pipeline:
        copy_create(Beneficiary, new_people, now, pipeline)
        progress(0.7)
        audit.extend(_audit_row(now, actor_id, create, b, _snapshot(b)) for b in new_people)
        copy_create(Assistance, plan.new_assistances, now, pipeline)
        progress(0.85)
        audit.extend(
            _audit_row(now, actor_id, create, a, _snapshot(a)) for a in plan.new_assistances
        )
        copy_rows(AuditEntry._meta.db_table, AUDIT_COLUMNS, audit, pipeline)
    progress(1.0)


# The audit trail's columns as written by an import (the id comes from the table's identity).
AUDIT_COLUMNS = ("at", "actor_id", "action", "model", "object_id", "changes")


def _audit_row(now, actor_id, action, instance, changes) -> tuple:
    """One AuditEntry, as core.audit writes it (who, when, what), as a row for COPY."""
    return (now, actor_id, action, instance._meta.label_lower, str(instance.pk), changes)


def _snapshot(instance) -> dict:
    """core.audit.snapshot's fields; dates and decimals become the same JSON text when the row
    is written (`json.dumps(default=core.audit.plain)` in `_copy_text`)."""
    values = instance.__dict__
    return {name: values[name] for name in _audited_attnames(type(instance))}


@functools.cache
def _audited_attnames(model) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in {"created_at", "updated_at", "version"}
    )


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return _copy_escape(value)
        return value
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # also datetimes (aware, ISO with offset)
        return value.isoformat()
    if kind is dict:
        return _copy_escape(json.dumps(value, ensure_ascii=False, default=plain))
    if kind is list:
        # Postgres array literal of simple codes (vulnerabilities): no quoting needed.
        return _copy_escape("{" + ",".join(value) + "}")
    return _copy_escape(str(value))


def _copy_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


class _CopyPipeline:
    """COPY buffers sent by a worker thread while this thread prepares the next ones, so the
    database's work overlaps Python's. Same connection, same transaction: psycopg2 serialises
    any other use of the connection meanwhile (a query simply waits for the COPY under way).

    The thread never outlives the block: on leaving it, however (an error, the time limit
    raised while waiting for the thread), the thread is stopped and waited for before the
    transaction can roll back, so no COPY of it runs after the rollback, outside any
    transaction, writing part of a file.
    """

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.stopped = False
        self.copying = False
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def _run(self) -> None:
        with self.raw.cursor() as cursor:
            while (item := self.queue.get()) is not None:
                if self.error is None and not self.stopped:
                    self.copying = True
                    try:
                        cursor.copy_expert(*item)
                    except BaseException as exc:  # re-raised in the calling thread
                        self.error = exc
                    finally:
                        self.copying = False

    def put(self, statement: str, buffer: io.StringIO) -> None:
        self.queue.put((statement, buffer))

    def __exit__(self, exc_type, exc, tb):
        try:
            self.queue.put(None)
            self.thread.join()
        except BaseException:
            self._stop()  # interrupted while waiting (the soft time limit): stop it first
            raise
        if self.error is not None and exc is None:
            with connection.wrap_database_errors:  # psycopg2's errors as Django's
                raise self.error

    def _stop(self) -> None:
        """Skip what is queued, cancel the COPY under way, and wait for the thread to end."""
        self.stopped = True
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self.queue.put(None)
        if self.copying:
            self.raw.cancel()  # psycopg2: callable from another thread; ignored when idle
        self.thread.join()


def copy_rows(table: str, columns, rows, pipeline: _CopyPipeline | None = None) -> None:
    """COPY `rows` (tuples of Python values, in `columns` order) into `table`, through
    `pipeline` when given."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    for start in range(0, len(rows), COPY_BATCH):
        buffer = io.StringIO()
        buffer.writelines(
            "\t".join([_copy_text(value) for value in values]) + "\n"
            for values in rows[start : start + COPY_BATCH]
        )
        buffer.seek(0)
        COPY_STATEMENTS[0] += 1
        if pipeline is not None:
            pipeline.put(statement, buffer)
        else:
            with connection.cursor() as cursor:
                cursor.copy_expert(statement, buffer)


def reserve_ids(model, objects: list) -> None:
    """Give `objects` ids drawn from the table's sequence, in one query."""
    if not objects:
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = pk


def copy_create(model, objects: list, now, pipeline: _CopyPipeline | None = None) -> None:
    """Insert `objects` with PostgreSQL COPY (the bulk path of an import), with their ids.

    Objects without ids get them from the table's sequence first (`reserve_ids`), so the
    audit entries can name the new rows; `auto_now`/`auto_now_add` fields are set to `now`,
    as save() would.
    """
    if not objects:
        return
    meta = model._meta
    if objects[0].pk is None:
        reserve_ids(model, objects)
    fields = meta.concrete_fields
    for model_field in fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            for instance in objects:
                setattr(instance, model_field.attname, now)
    attnames = [f.attname for f in fields]
    copy_rows(
        meta.db_table,
        [f.column for f in fields],
        [tuple(instance.__dict__[name] for name in attnames) for instance in objects],
        pipeline,
    )
    for instance in objects:
        instance._state.adding = False
