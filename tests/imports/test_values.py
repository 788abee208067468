"""Every header and value form the import contract accepts (DESIGN.md section 4)."""

import datetime
from decimal import Decimal

import pytest

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from tests.imports.conftest import HEADER, csv_bytes, row, xlsx_bytes
from tests.partners.factories import ProjectFactory, city


def _person():
    return Beneficiary.objects.get()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("F", "F"),
        ("f", "F"),
        ("female", "F"),
        ("Femme", "F"),
        ("M", "M"),
        ("male", "M"),
        ("HOMME", "M"),
        ("U", "U"),
        ("unknown", "U"),
        ("inconnu", "U"),
        ("", "U"),
    ],
)
def test_sex_words_in_french_and_english(do_import, text, expected):
    report = do_import(csv_bytes([row(sex=text)]))
    assert report.ok, report.errors
    assert _person().sex == expected


@pytest.mark.parametrize("text", ["2024-02-10", "10/02/2024", "2024-2-10"])
def test_iso_and_french_dates(do_import, text):
    report = do_import(csv_bytes([row(delivered_on=text, date_of_birth="04/03/1990")]))
    assert report.ok, report.errors
    assert Assistance.objects.get().delivered_on == datetime.date(2024, 2, 10)
    assert _person().date_of_birth == datetime.date(1990, 3, 4)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CI", "CI"),
        ("civ", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Sénégal", "SN"),
        ("Senegal", "SN"),
        ("Guinée", "GN"),
        ("Cameroon", "CM"),
        ("MAR", "MA"),
    ],
)
def test_countries_by_code_or_name(do_import, text, code):
    assert do_import(csv_bytes([row(nationality=text)])).ok
    assert _person().nationality == code


def test_birth_year_alone_is_an_estimated_age(do_import):
    header = [h for h in HEADER if h != "date_of_birth"] + ["birth_year"]
    values = dict(zip(HEADER, row(), strict=True)) | {"birth_year": "1985"}
    assert do_import(csv_bytes([[values[h] for h in header]], header=header)).ok
    person = _person()
    assert (person.date_of_birth, person.birth_year) == (None, 1985)
    assert person.age_on(datetime.date(2024, 2, 10)) == 38


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("oui", True),
        ("1", True),
        ("true", True),
        ("no", False),
        ("Non", False),
        ("0", False),
        ("false", False),
    ],
)
def test_migrant_yes_no(do_import, text, expected):
    header = [*HEADER, "migrant"]
    assert do_import(csv_bytes([[*row(), text]], header=header)).ok
    assert _person().is_migrant is expected


def test_vulnerabilities_separated_by_semicolons_and_the_other_optional_columns(do_import):
    header = [*HEADER, "vulnerabilities", "city", "quantity", "value_mad", "notes", "outcome"]
    values = [*row(), "gbv; Disability", "Oujda", "1,5", "150.50", "Suivi", "pending"]
    assert do_import(csv_bytes([values], header=header)).ok, "refused"
    person = _person()
    assistance = Assistance.objects.get()
    assert person.vulnerabilities == ["gbv", "disability"]
    assert person.city == city("oujda") == assistance.city
    assert (assistance.quantity, assistance.value_mad) == (Decimal("1.5"), Decimal("150.50"))
    assert (assistance.notes, assistance.outcome) == ("Suivi", "pending")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", "delivered"),
        ("delivered", "delivered"),
        ("planned", "planned"),
        ("Annulée", "cancelled"),
    ],
)
def test_status_defaults_to_delivered(do_import, text, status):
    header = [*HEADER, "status"]
    assert do_import(csv_bytes([[*row(), text]], header=header)).ok
    assert Assistance.objects.get().status == status


def test_project_column_wins_over_the_default_project(do_import, project, partner_a, donor):
    other = ProjectFactory(code="EU-AVRR", donor=donor, partners=[partner_a])
    header = [*HEADER, "project"]
    report = do_import(
        csv_bytes([[*row(aref="A-1"), "eu-avrr"], [*row(aref="A-2"), ""]], header=header)
    )
    assert report.ok, report.errors
    projects = dict(Assistance.objects.values_list("assistance_ref", "project__code"))
    assert projects == {"A-1": other.code, "A-2": project.code}


def test_headers_case_insensitive_bom_and_semicolons(do_import):
    header = [h.upper() for h in HEADER]
    content = csv_bytes([row()], header=header, delimiter=";", bom=True)
    report = do_import(content)
    assert report.ok, report.errors
    assert _person().beneficiary_ref == "B-1"


def test_xlsx_first_sheet_with_real_date_and_number_cells(do_import):
    values = row()
    values[HEADER.index("delivered_on")] = datetime.datetime(2024, 2, 10)  # noqa: DTZ001
    values[HEADER.index("date_of_birth")] = datetime.date(1990, 3, 4)
    values[HEADER.index("beneficiary_ref")] = 1042  # a number cell
    report = do_import(xlsx_bytes([values]), filename="partenaire.xlsx")
    assert report.ok, report.errors
    assert _person().beneficiary_ref == "1042"
    assert Assistance.objects.get().delivered_on == datetime.date(2024, 2, 10)


def test_person_columns_repeat_on_every_row_of_the_same_person(do_import):
    report = do_import(
        csv_bytes([row(aref="A-1"), row(aref="A-2", subtype="exam"), row(ref="B-2", aref="A-3")])
    )
    assert report.counts["persons_new"] == 2
    assert report.counts["assistances_new"] == 3
    assert Beneficiary.objects.count() == 2
