"""Every row of a file checked as the services check one: the models' own rules (the batch
services' `full_clean()`, memoised per value), the rules layer (assistance.rules: merged
people, projects the organisation implements, closed periods), then matched against what is
already recorded: a person by (organisation, beneficiary_ref); an assistance by (provider,
assistance_ref), or for a row without a ref, an identical ref-less row of the same person.
What is found goes to the plan: new, changed or unchanged; what is wrong, to its report.

The records a file names are loaded in batches of refs: the number of queries grows with
batches of rows, never with rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import rules
from assistance import services as assistance_services
from assistance.importer.plan import (
    FIELD_COLUMN,
    Cleaner,
    Plan,
    Progress,
    field_defaults,
    messages_of,
    new_instance,
)
from assistance.models import Assistance
from beneficiaries import services as beneficiary_services
from beneficiaries.models import Beneficiary
from core.audit import diff, snapshot

LOOKUP_CHUNK = 5000

# What an import may change on a recorded assistance (the row's columns).
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
# The batch services' own full_clean() call: the same rules, the same foreign keys left to the
# batch checks.
BENEFICIARY_EXCLUDE = beneficiary_services.BATCH_CLEAN_EXCLUDE
ASSISTANCE_EXCLUDE = assistance_services.BATCH_CLEAN_EXCLUDE


def _any(column: str, values: list) -> RawSQL:
    """`column = ANY(%s)` with the values as one array parameter: the same rows as
    `column__in=values`, without building thousands of placeholders per query."""
    # The column names are constants of this module; the values go as a parameter.
    sql = f'"{column}" = ANY(%s)'
    # Bandit B611: the column name is a constant of this module, the values one parameter.
    return RawSQL(sql, (list(values),), output_field=BooleanField())  # noqa: S611 # nosec B611


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Recorded:
    """What the organisation has already recorded under the file's refs, loaded once per
    import (per chunk of refs)."""

    def __init__(self):
        self.people: dict[str, Beneficiary] = {}
        self.by_ref: dict[str, Assistance] = {}
        self.refless: dict[int, list[Assistance]] = defaultdict(list)
        self.unchanged = 0

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


def build_people(plan: Plan, organisation, acting_user, recorded: Recorded) -> None:
    """Each person of the file, new or recorded, with the values of their columns, checked
    by the person's rules and the model's."""
    today = timezone.localdate()
    placeholder = 0
    cleaner = Cleaner(Beneficiary, BENEFICIARY_EXCLUDE)
    person_defaults = field_defaults(
        Beneficiary,
        organisation_id=organisation.pk,
        created_by_id=getattr(acting_user, "pk", None),
    )
    for ref, person in plan.persons.items():
        existing = recorded.people.get(ref)
        values = person.values
        if existing is not None:
            for name, messages in rules.person_errors(existing).items():
                for message in messages:
                    plan.error(person.first_row, FIELD_COLUMN.get(name, name), ref, message)
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
            for name, message in dict(messages_of(exc)).items():
                row, text = person.source.get(name, (person.first_row, ""))
                plan.error(row, FIELD_COLUMN.get(name, name), text, message)
        if person.before is not None:
            person.changes = diff(person.before, snapshot(instance))


def build_assistances(
    plan: Plan,
    organisation,
    acting_user,
    lookups: rules.Lookups,
    recorded: Recorded,
    rows: list,
    progress: Progress,
) -> None:
    """Each row's assistance, checked by the rules layer and the model's rules, then matched
    to what is recorded."""
    seen_refs: dict[str, int] = {}
    cleaner = Cleaner(Assistance, ASSISTANCE_EXCLUDE)
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
        project = row["project"]
        assistance = new_instance(
            Assistance,
            defaults,
            beneficiary_id=beneficiary.pk,
            category=row["category"],
            subtype=row["subtype"],
            delivered_on=row["delivered_on"],
            status=row["status"],
            project_id=project.pk if project else None,
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
        if project is not None:
            assistance.project = project

        # The rules layer first: of two errors of a cell, its message is the one reported.
        for name, messages in rules.assistance_errors(lookups, assistance).items():
            column = FIELD_COLUMN.get(name, name)
            if column not in reported:
                for message in messages:
                    plan.error(number, column, _cell(cells, project, column), message)
                reported.add(column)
                bad = True
        try:
            cleaner.full_clean(assistance)
        except ValidationError as exc:
            # One message per cell: the model's own clean() speaks last and most precisely.
            messages = dict(messages_of(exc))
            for name, message in messages.items():
                if name == "subtype" and "category" in messages:
                    continue  # an unknown category: its subtype cannot match anything
                column = FIELD_COLUMN.get(name, name)
                if column not in reported:
                    plan.error(number, column, _cell(cells, project, column), message)
            continue
        if bad or person.bad:
            continue
        _match(plan, lookups, recorded, assistance, number, refless_pool)


def _cell(cells: dict, project, column: str) -> str:
    """The text of the cell an error is about (the default project of the import's code when
    the row names none)."""
    value = cells.get(column, "")
    if column == "project" and not value and project is not None:
        value = project.code
    return value


def _signature(assistance: Assistance) -> tuple:
    return tuple(getattr(assistance, name) for name in ASSISTANCE_FIELDS)


def _match(plan, lookups, recorded, assistance, number, refless_pool) -> None:
    """New, changed or unchanged: by (provider, assistance_ref), or for a row without a ref,
    an identical ref-less row of the same person already recorded."""
    person = assistance.beneficiary
    if assistance.assistance_ref:
        current = recorded.by_ref.get(assistance.assistance_ref)
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
            recorded.unchanged += 1
            return
        # The recorded row, as a correction of it would be checked by the services.
        refused = rules.change_errors(lookups, current)
        for messages in refused.values():
            for message in messages:
                plan.error(number, "assistance_ref", assistance.assistance_ref, message)
        if not refused:
            plan.updated_assistances.append((current, changes))
        return
    if person.pk and person.pk > 0:
        pool = refless_pool.get(person.pk)
        if pool is None:
            pool = refless_pool[person.pk] = Counter(
                _signature(a) for a in recorded.refless.get(person.pk, ())
            )
        signature = _signature(assistance)
        if pool[signature] > 0:
            pool[signature] -= 1
            recorded.unchanged += 1
            return
    plan.new_assistances.append(assistance)


def counts(plan: Plan, recorded: Recorded) -> dict:
    persons = plan.persons.values()
    return {
        "persons_new": sum(1 for p in persons if p.before is None),
        "persons_updated": sum(1 for p in persons if p.changes),
        "persons_unchanged": sum(1 for p in persons if p.before is not None and not p.changes),
        "assistances_new": len(plan.new_assistances),
        "assistances_updated": len(plan.updated_assistances),
        "assistances_unchanged": recorded.unchanged,
    }
