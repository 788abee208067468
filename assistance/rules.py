"""The rules an assistance obeys beyond its own fields, written once: the services check one
row with them, the importer every row of a file, the batch service a whole batch.

What a row decides alone stays in the model (`Assistance.clean()` and its constraints: the
subtype belongs to the category, the date falls within the project and not in the future nor
before the person's birth, a return names its country), run by `full_clean()` on every path.
What needs other tables is here, as pure functions of proposed rows and `Lookups` (loaded once
per batch, in a few queries, then read from memory whatever the number of rows):

- the person is not a duplicate merged into another record, and their personal data were not
  erased (`person_errors`);
- the provider implements the project: a partner of it, or IOM (`project_errors`);
- the project's period is open on the row's date (`partners.selectors.closed_period_message`);
- a recorded assistance changes (is corrected or cancelled) only while the period of its
  current project and date is open, and while its person's data are not erased: the age it
  counts with was frozen then (`change_errors`).

Each returns `{field: [messages]}`, empty when the row is good: the services raise it as a
ValidationError, the importer reports it by row and column. Who may do what is not here: the
user's organisation, the people and projects the user sees (`visible_to`), and the
organisations that keep records (`partners.permissions`) are access checks that the services
raise as PermissionDenied (a 404 or 403 for the pages) before any rule runs, and that the
importer applies when it resolves a file's organisation, people and project codes.

A new rule is a function added to ROW_RULES (or CHANGE_RULES): the services, the batch service
and the importer then all obey it, and tests/assistance/test_rules.py checks that they refuse
the same rows with the same messages.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from partners.choices import OrganisationKind
from partners.models import ClosedPeriod, Organisation, Project
from partners.selectors import closed_period_message

# field → messages, the shape of ValidationError(dict) and of an import report's row.
Errors = dict[str, list[str]]


@dataclass
class Lookups:
    """What the rules read besides the rows, for the projects and providers of a batch.

    Neither is personal data, nor scoped to a user: which projects and people a user may name
    is the access checks' business (see the module's docstring).
    """

    # project id → its closed periods in force
    closed: dict[int, list[ClosedPeriod]] = field(default_factory=dict)
    # project id → the organisations implementing it (loaded with `providers`)
    partners: dict[int, frozenset[int]] = field(default_factory=dict)
    # organisation id → kind, for the rows' providers
    kinds: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        projects: Iterable[int | Project | None],
        providers: Iterable[int | Organisation] = (),
    ) -> Lookups:
        """The lookups of rows naming `projects` (ids or objects), provided by `providers`
        (ids, or organisations whose kind is then known): at most three queries, none when
        the rows name no project. Without providers, only the periods are loaded: enough for
        `change_errors` and for a correction that leaves the project alone."""
        project_ids = {getattr(p, "pk", p) for p in projects} - {None}
        lookups = cls()
        if not project_ids:
            return lookups
        for period in ClosedPeriod.objects.in_force().filter(project_id__in=project_ids):
            lookups.closed.setdefault(period.project_id, []).append(period)
        providers = list(providers)
        if not providers:
            return lookups
        implementers = defaultdict(set)
        links = Project.partners.through.objects.filter(project_id__in=project_ids)
        for project_id, organisation_id in links.values_list("project_id", "organisation_id"):
            implementers[project_id].add(organisation_id)
        lookups.partners = {pk: frozenset(implementers[pk]) for pk in project_ids}
        unknown = set()
        for provider in providers:
            if isinstance(provider, Organisation):
                lookups.kinds[provider.pk] = provider.kind
            else:
                unknown.add(provider)
        unknown -= set(lookups.kinds)
        if unknown:
            lookups.kinds.update(
                Organisation.objects.filter(pk__in=unknown).values_list("pk", "kind")
            )
        return lookups


# --- The rules -----------------------------------------------------------------------------


def person_errors(person: Beneficiary) -> Errors:
    """Nothing new is recorded for a record merged into another: the kept record takes it;
    nor for a person whose personal data were erased (DESIGN.md §8): their file is closed."""
    if person.pseudonymised_at is not None:
        return {
            "beneficiary": [
                _(
                    "Les données personnelles de cette personne ont été effacées : plus rien "
                    "ne s'enregistre sur sa fiche (ni assistance, ni référencement, ni dossier "
                    "de retour)."
                )
            ]
        }
    if person.merged_into_id:
        return {
            "beneficiary": [
                _(
                    "Cette fiche a été fusionnée dans une autre : "
                    "enregistrez sur la fiche conservée."
                )
            ]
        }
    return {}


def project_errors(lookups: Lookups, *, project_id: int | None, provider_id: int) -> Errors:
    """An organisation records under the projects it implements; IOM under any."""
    if project_id is None or lookups.kinds[provider_id] == OrganisationKind.IOM:
        return {}
    if provider_id in lookups.partners[project_id]:
        return {}
    return {"project": [_("Votre organisation n'est pas partenaire de ce projet.")]}


def _implements_project(lookups: Lookups, row: Assistance) -> Errors:
    return project_errors(lookups, project_id=row.project_id, provider_id=row.provider_id)


def _person_not_erased(lookups: Lookups, row: Assistance) -> Errors:
    """A pseudonymised person's rows count with the age frozen at the erasure: they stay."""
    if row.beneficiary.pseudonymised_at is not None:
        return {
            "beneficiary": [
                _(
                    "Les données personnelles de cette personne ont été effacées : ses "
                    "assistances ne se corrigent ni ne s'annulent plus."
                )
            ]
        }
    return {}


def _period_open(lookups: Lookups, row: Assistance) -> Errors:
    """Nothing dated in a closed period of the project is written."""
    if row.project_id is None or not isinstance(row.delivered_on, datetime.date):
        return {}
    message = closed_period_message(lookups.closed.get(row.project_id, ()), row.delivered_on)
    return {"delivered_on": [message]} if message else {}


@dataclass(frozen=True)
class Rule:
    """A rule on an assistance row, and the fields it reads: a correction is checked by the
    rules on the fields it changes (as it always was: a row is not refused for what the
    correction leaves alone)."""

    reads: frozenset[str]
    check: Callable[[Lookups, Assistance], Errors]


# Every row recorded, imported, or corrected.
ROW_RULES: list[Rule] = [
    Rule(frozenset({"project"}), _implements_project),
    Rule(frozenset({"project", "delivered_on"}), _period_open),
]
# A recorded row, before it is corrected or cancelled: its current values.
CHANGE_RULES: list[Rule] = [
    Rule(frozenset({"project", "delivered_on"}), _period_open),
    Rule(frozenset({"beneficiary"}), _person_not_erased),
]


def _apply(rules: list[Rule], lookups: Lookups, row: Assistance, changed=None) -> Errors:
    errors: Errors = {}
    for rule in rules:
        if changed is not None and not (rule.reads & changed):
            continue
        for name, messages in rule.check(lookups, row).items():
            errors.setdefault(name, []).extend(messages)
    return errors


def assistance_errors(
    lookups: Lookups, row: Assistance, *, changed: Iterable[str] | None = None
) -> Errors:
    """The errors of a proposed row: a new assistance, or a recorded one with the values of a
    correction, which changes the fields `changed` (None: a new row, every rule runs)."""
    return _apply(ROW_RULES, lookups, row, None if changed is None else frozenset(changed))


def change_errors(lookups: Lookups, row: Assistance) -> Errors:
    """Whether a recorded assistance (its values as recorded) may be corrected or cancelled."""
    return _apply(CHANGE_RULES, lookups, row)


def check_assistances(
    lookups: Lookups, rows: Iterable[tuple[Hashable, Assistance]]
) -> dict[Hashable, Errors]:
    """The errors of a batch of proposed rows, by key (a row's index, a file's row number):
    the person's rules and the row's. Only the bad rows are in the answer."""
    found = {}
    for key, row in rows:
        errors = _merge(person_errors(row.beneficiary), assistance_errors(lookups, row))
        if errors:
            found[key] = errors
    return found


def _merge(*parts: Errors) -> Errors:
    merged: Errors = {}
    for part in parts:
        for name, messages in part.items():
            merged.setdefault(name, []).extend(messages)
    return merged
