"""One set of rules under the services and the importer (issue 12): a bad row is refused by
the service that records one assistance and by an import of a file holding it, with the same
messages, whichever rule it breaks: the rules layer's (assistance.rules), the model's own
(`Assistance.clean()`), or the record keepers' (partners.permissions).

Each case of BAD_ROWS goes through both paths. Remove a rule from the layer and both accept the
row together (the case then fails twice); a rule written for one path only would show here as
a refusal on one side. A rule added to the layer holds on every path at once
(`test_a_rule_added_to_the_layer_holds_on_every_path`).

Not in the table, because one path only has them: the import file's own checks (a cell that
cannot be read, the template's example row, a ref twice in the file or already another
person's), and access (a person or project the user cannot see: PermissionDenied for a service,
"unknown or inaccessible" for a file's project code).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assistance import rules
from assistance.importer.engine import run_import
from assistance.importer.plan import FIELD_COLUMN
from assistance.models import Assistance
from assistance.services import assistance_record, assistance_record_many, assistance_update
from partners.services import period_close, period_reopen
from reporting.periods import parse_period
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory, ProjectFactory

HEADER = [
    "beneficiary_ref",
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "nationality",
    "category",
    "subtype",
    "delivered_on",
    "project",
    "country",
    "quantity",
    "assistance_ref",
]
CLOSED_QUARTER = "2023-Q2"
DAY = datetime.date(2023, 7, 1)
GOOD = {
    "person": "A-1",
    "user": "alice",
    "provider": "partner_a",
    "category": "medical",
    "subtype": "consultation",
    "delivered_on": DAY,
    "project": "JPN-PROT",
    "country": "",
}


@dataclass
class Case:
    id: str
    changes: dict = field(default_factory=dict)


BAD_ROWS = [
    Case("person merged into another record", {"person": "A-2"}),
    Case("person whose personal data were erased", {"person": "A-3"}),
    Case(
        "project the provider does not implement",
        {"user": "officer", "project": "OTHER"},
    ),
    Case("date outside the project", {"delivered_on": datetime.date(2022, 6, 1)}),
    Case("date in a closed period", {"delivered_on": datetime.date(2023, 5, 10)}),
    Case("subtype of another category", {"category": "food"}),
    Case(
        "delivered in the future",
        {"delivered_on": "future", "project": ""},
    ),
    Case(
        "delivered before the person's birth",
        {"delivered_on": datetime.date(1989, 6, 1), "project": ""},
    ),
    Case(
        "a return without its country",
        {"category": "avrr", "subtype": "return_from_morocco", "project": ""},
    ),
    Case("a donor as provider", {"user": "officer", "provider": "donor"}),
    Case("a closed organisation as provider", {"user": "officer", "provider": "closed"}),
]


@pytest.fixture
def world(partner_a, partner_b, donor, project, alice, officer):
    other = ProjectFactory(code="OTHER", donor=donor, partners=[partner_b])
    period_close(project=project, period=parse_period(CLOSED_QUARTER), acting_user=officer)
    person = BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-1",
        first_name="Aminata",
        last_name="Koné",
        sex="F",
        date_of_birth=datetime.date(1990, 3, 4),
        nationality="CI",
    )
    merged = BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-2",
        first_name="Aminata",
        last_name="Kone",
        sex="F",
        date_of_birth=datetime.date(1990, 3, 4),
        nationality="CI",
        merged_into=person,
    )
    # DESIGN.md §8: an erased record (its names, exact birth date and notes gone); a file
    # that names it again brings its old values back, which is refused with the row.
    erased = BeneficiaryFactory(
        organisation=partner_a,
        beneficiary_ref="A-3",
        first_name="",
        last_name="",
        sex="F",
        date_of_birth=None,
        birth_year=1990,
        pseudonymised_at=timezone.now(),
        pseudonymisation_reason="person_request",
    )
    return {
        "alice": alice,
        "officer": officer,
        "partner_a": partner_a,
        "A-3": erased,
        "donor": donor,
        "closed": OrganisationFactory(slug="closed-ngo", is_active=False),
        "A-1": person,
        "A-2": merged,
        "JPN-PROT": project,
        "OTHER": other,
        "": None,
    }


def _row(case: Case) -> dict:
    row = {**GOOD, **case.changes}
    if row["delivered_on"] == "future":
        row["delivered_on"] = timezone.localdate() + datetime.timedelta(days=30)
    return row


def _refusal(exc: ValidationError) -> list[tuple[str, str]]:
    return sorted(
        (FIELD_COLUMN.get(name, name), message)
        for name, messages in exc.message_dict.items()
        for message in messages
    )


def through_the_service(world, row: dict) -> list[tuple[str, str]]:
    """The errors (by import column) of recording the row with `assistance_record`; none if
    it was recorded."""
    try:
        assistance_record(
            beneficiary=world[row["person"]],
            category=row["category"],
            subtype=row["subtype"],
            delivered_on=row["delivered_on"],
            project=world[row["project"]],
            country=row["country"],
            provider=world[row["provider"]],
            acting_user=world[row["user"]],
        )
    except ValidationError as exc:
        assert not Assistance.objects.exists()
        return _refusal(exc)
    return []


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _file_row(world, row: dict, **cells) -> dict:
    person = world[row["person"]]
    return {
        "beneficiary_ref": person.beneficiary_ref,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "nationality": person.nationality,
        "category": row["category"],
        "subtype": row["subtype"],
        "delivered_on": row["delivered_on"].isoformat(),
        "project": row["project"],
        "country": row["country"],
        **cells,
    }


def through_the_importer(world, rows: list[dict], row: dict) -> list[tuple[str, str]]:
    """The errors (row 2's, or the file's) of importing `rows` as the row's user; none if
    the file would be imported."""
    try:
        report = run_import(
            content=_csv(rows),
            filename="file.csv",
            organisation=world[row["provider"]],
            acting_user=world[row["user"]],
            dry_run=True,
        )
    except ValidationError as exc:
        return _refusal(exc)
    assert {error.row for error in report.errors} <= {2}
    return sorted((error.column, error.message) for error in report.errors)


@pytest.mark.parametrize("case", BAD_ROWS, ids=[case.id for case in BAD_ROWS])
def test_the_service_and_the_importer_refuse_the_same_rows_alike(world, case):
    row = _row(case)
    by_service = through_the_service(world, row)
    by_importer = through_the_importer(world, [_file_row(world, row)], row)
    assert by_importer == by_service
    assert by_service, "both accept the row: is a rule missing from the layer?"


def test_the_good_row_is_accepted_by_both(world):
    """The table's rows are bad for what they change, nothing else."""
    row = _row(Case("good"))
    report = run_import(
        content=_csv([_file_row(world, row)]),
        filename="file.csv",
        organisation=world["partner_a"],
        acting_user=world["alice"],
        dry_run=True,
    )
    assert report.ok, report.errors
    assert assistance_record(
        beneficiary=world["A-1"],
        category=row["category"],
        subtype=row["subtype"],
        delivered_on=row["delivered_on"],
        project=world["JPN-PROT"],
        acting_user=world["alice"],
    ).pk


def test_a_correction_of_a_row_in_a_closed_period_is_refused_alike(world, officer):
    """A recorded assistance dated in a period closed since, moved out of it: on its page (the
    service) or by importing its ref again with the new date, it is refused with one message
    (the import reports it on the recorded row's ref)."""
    project, person, alice = world["JPN-PROT"], world["A-1"], world["alice"]
    inside = datetime.date(2023, 5, 10)
    period_reopen(
        closed_period=project.closed_periods.get(), reason="Saisie tardive", acting_user=officer
    )
    recorded = assistance_record(
        beneficiary=person,
        category="medical",
        subtype="consultation",
        delivered_on=inside,
        project=project,
        assistance_ref="A-100",
        acting_user=alice,
    )
    period_close(project=project, period=parse_period(CLOSED_QUARTER), acting_user=officer)
    with pytest.raises(ValidationError) as refused:
        assistance_update(assistance=recorded, acting_user=alice, delivered_on=DAY)
    by_service = [message for _column, message in _refusal(refused.value)]
    row = {**GOOD, "delivered_on": DAY}
    file_row = _file_row(world, row, assistance_ref="A-100")
    by_importer = through_the_importer(world, [file_row], row)
    assert by_service and [message for _column, message in by_importer] == by_service
    assert [column for column, _message in by_importer] == ["assistance_ref"]


def test_a_rule_added_to_the_layer_holds_on_every_path(world, monkeypatch):
    """A new rule is written once, in the layer: the service, the batch service, a correction
    and the importer all refuse with it, and nothing else was needed."""

    def at_most_ten(lookups, row):
        if row.quantity > 10:
            return {"quantity": ["Pas plus de dix à la fois."]}
        return {}

    monkeypatch.setattr(
        rules, "ROW_RULES", [*rules.ROW_RULES, rules.Rule(frozenset({"quantity"}), at_most_ten)]
    )
    expected = [("quantity", "Pas plus de dix à la fois.")]
    person, alice, partner_a = world["A-1"], world["alice"], world["partner_a"]
    fields = {
        "category": "medical",
        "subtype": "consultation",
        "delivered_on": GOOD["delivered_on"],
    }
    with pytest.raises(ValidationError) as refused:
        assistance_record(beneficiary=person, quantity=11, acting_user=alice, **fields)
    assert _refusal(refused.value) == expected
    with pytest.raises(ValidationError) as refused:
        assistance_record_many(
            acting_user=alice,
            assistances=[
                Assistance(beneficiary_id=person.pk, provider_id=partner_a.pk, quantity=q, **fields)
                for q in (1, 11)
            ],
        )
    assert _refusal(refused.value) == expected
    recorded = assistance_record(beneficiary=person, quantity=1, acting_user=alice, **fields)
    with pytest.raises(ValidationError) as refused:
        assistance_update(assistance=recorded, acting_user=alice, quantity=11)
    assert _refusal(refused.value) == expected
    row = {**GOOD, "project": ""}
    file_row = _file_row(world, row, quantity="11", assistance_ref="A-200")
    assert through_the_importer(world, [file_row], row) == expected
