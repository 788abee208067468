"""A file's rows to values: the cells of each row under the contract's columns (the same text
rules as every other path, then the formula guard), then each cell read by its column's
reader (columns), codes and names resolved against what the file may name (cities, the
projects the importer sees, statuses, outcomes), and the person's columns gathered across the
rows of the same person. A cell that cannot be read is reported by row and column."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance.choices import SUBTYPES, Outcome, Status
from assistance.importer import columns as col
from assistance.importer.plan import FIELD_COLUMN, Person, Plan
from assistance.importer.reader import ImportFileError, read_table
from assistance.models import Assistance
from core.text import plain_text
from partners.access import SYSTEM
from partners.models import City, Project

# Columns whose text keeps its line breaks (the models' multi-line fields).
MULTILINE_COLUMNS = frozenset(Assistance.USER_MULTILINE_FIELDS) & frozenset(col.COLUMNS)


def read_cells(plan: Plan, content: bytes, filename: str) -> list[tuple[int, dict]] | None:
    """(row number, {column: text}) of every row of the file; None when the file as a whole
    is refused (its error reported)."""
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
            return None
        positions = list(index.items())
        rows = []
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
            rows.append((number, values))
    except ImportFileError as exc:
        plan.error(exc.row, exc.column, "", exc.message)
        return None
    return rows


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


def _choice_reader(choices, *codes) -> dict[str, str]:
    table = {col.read_code(code): code for code in codes}
    for value, label in choices:
        table[col.read_code(str(label))] = value
    return table


class Names:
    """What a file's cells may name, loaded once per import: cities (by code or name), the
    projects the importing user sees (by code), statuses and outcomes (by code or label)."""

    def __init__(self, acting_user, default_project: Project | None):
        self.cities: dict[str, int] = {}
        for city in City.objects.only("id", "code", "name", "name_ar"):
            for key in (city.code, city.name, city.name_ar):
                if key:
                    self.cities.setdefault(col.fold(key), city.pk)
        projects = (
            Project.objects.all()
            if acting_user is SYSTEM
            else Project.objects.visible_to(acting_user)
        )
        self.projects = {p.code.upper(): p for p in projects}
        self.default_project = default_project
        self.statuses = _choice_reader(Status.choices, *Status.values)
        self.statuses.update({"delivered": Status.DELIVERED, "livree": Status.DELIVERED})
        self.outcomes = _choice_reader(Outcome.choices, *Outcome.values)
        # (reader, text) → value or CellError: spreadsheets repeat dates, sexes and
        # countries on thousands of rows.
        self.memo: dict[tuple, object] = {}


def convert(plan: Plan, names: Names, number: int, cells: dict[str, str]) -> dict | None:
    """One row's cells to values; its errors go to the report. None if the row is unusable."""
    bad = False
    memo = names.memo
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
        if not cells.get(name) and name not in plan.columns_since(first_error):
            plan.error(number, name, "", _("Valeur obligatoire manquante."))
            bad = True

    ref = cells.get("beneficiary_ref", "")
    if ref:
        read("beneficiary_ref", col.read_beneficiary_ref)  # not the template's example
    person = plan.persons.get(ref) if ref else None
    if ref and person is None:
        person = plan.persons[ref] = Person(ref, number)

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
        values["city_id"] = names.cities.get(col.fold(city_text))
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
    status = names.statuses.get(col.read_code(status_text)) if status_text else Status.DELIVERED
    if status is None:
        plan.error(
            number,
            "status",
            status_text,
            _("Statut inconnu : delivered, planned ou cancelled (délivrée, prévue, annulée)."),
        )
        bad = True
    outcome_text = cells.get("outcome", "")
    outcome = names.outcomes.get(col.read_code(outcome_text)) if outcome_text else ""
    if outcome is None:
        plan.error(
            number,
            "outcome",
            outcome_text,
            _("Issue inconnue : pending, service_received, declined ou no_show."),
        )
        bad = True
    project_text = cells.get("project", "")
    project = names.default_project
    if project_text:
        project = names.projects.get(project_text.upper())
        if project is None:
            plan.error(number, "project", project_text, _("Projet inconnu ou inaccessible."))
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
    # A bad row is still checked by the model's rules and the rules layer (checks), so the
    # report names every problem of the row at once, not one per attempt; cells already
    # reported are not repeated.
    row["bad"] = bad
    row["error_columns"] = plan.columns_since(first_error)
    return row
