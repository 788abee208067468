"""Known data for the bilan tests: a project with a handful of people and assistances whose
figures are worked out by hand in the tests."""

import datetime

import pytest

from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory

DAY = datetime.date(2023, 5, 10)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def known_data(project, partner_a, partner_b):
    """2023-Q2 of JPN-PROT: 3 women, 1 girl, 2 men, 1 boy, 1 unknown-sex person.

    Every person gets one medical consultation; the women get a second one (so
    medical_services = 11, medical_persons = 8); two men return to Guinea (AVRR), one man and
    the boy are Guinean returns from Morocco, the woman Ivorian.
    """
    people = []
    specs = [
        ("F", datetime.date(1990, 1, 1), "Aminata", "Diallo"),
        ("F", datetime.date(1985, 3, 3), "Mariam", "Koné"),
        ("F", datetime.date(1979, 7, 7), "Fanta", "Camara"),
        ("F", datetime.date(2012, 2, 2), "Awa", "Traoré"),
        ("M", datetime.date(1992, 4, 4), "Mamadou", "Barry"),
        ("M", datetime.date(1988, 8, 8), "Ibrahima", "Sow"),
        ("M", datetime.date(2010, 9, 9), "Moussa", "Keita"),
        ("U", datetime.date(2000, 1, 1), "Sékou", "Touré"),
    ]
    for i, (sex, born, first, last) in enumerate(specs):
        people.append(
            BeneficiaryFactory(
                organisation=partner_a,
                beneficiary_ref=f"OUJ-2023-{i:04d}",
                first_name=first,
                last_name=last,
                sex=sex,
                date_of_birth=born,
            )
        )
    for person in people:
        AssistanceFactory(beneficiary=person, project=project, delivered_on=DAY)
    for person in people[:3]:
        AssistanceFactory(beneficiary=person, project=project, delivered_on=DAY)
    for person, country in ((people[4], "GN"), (people[5], "GN"), (people[0], "CI")):
        AssistanceFactory(
            beneficiary=person,
            project=project,
            category="avrr",
            subtype="return_from_morocco",
            country=country,
            delivered_on=DAY,
        )
    return people


@pytest.fixture
def fast_render(monkeypatch):
    """Stand-in files for tests about versions and states, not about the documents (the PDF
    and XLSX themselves are tested in test_pdf.py, test_donor_walk.py and test_services.py)."""
    from bilans import services

    monkeypatch.setattr(services, "render_files", lambda **kwargs: (b"%PDF-1.7 test", b"PK test"))


@pytest.fixture
def exact_figures(project):
    """The project without small-cell protection (k = 0), for tests that read the exact small
    counts of `known_data` (a new project hides counts below 5; that protection is tested on
    its own in test_pdf.py and tests/reporting/test_suppression.py)."""
    project.small_cell_threshold = 0
    project.save(update_fields=["small_cell_threshold"])
    return project
