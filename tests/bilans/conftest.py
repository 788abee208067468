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


@pytest.fixture
def mission_data(project, partner_a, partner_b):
    """2023 across the mission: JPN-PROT, an EU project and assistances of no project.

    Six persons: a woman assisted by both projects (counted once, at Oujda, her first city),
    a girl helped outside any project (Casablanca), a man returned to Guinea (Rabat), a man
    back in Morocco from Germany (no city), a boy reintegrated outside any project then
    helped to find work by JPN-PROT (Tanger), a person of unknown sex (Oujda). A row of 2022,
    a cancelled row and a project ended in 2022 do not count.
    """
    from tests.partners.factories import DonorFactory, ProjectFactory, city

    eu = ProjectFactory(
        code="EU-AVRR",
        title="Retour volontaire et réintégration",
        donor=DonorFactory(slug="eu", name="Union européenne"),
        partners=[partner_b],
    )
    ProjectFactory(
        code="OLD-2022",
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2022, 12, 31),
        donor=DonorFactory(slug="old-donor", name="Ancien bailleur"),
    )
    specs = {
        "woman": ("F", datetime.date(1990, 1, 1), partner_a),
        "girl": ("F", datetime.date(2012, 2, 2), partner_b),
        "man": ("M", datetime.date(1985, 3, 3), partner_b),
        "returnee": ("M", datetime.date(1992, 4, 4), partner_b),
        "boy": ("M", datetime.date(2010, 5, 5), partner_a),
        "unknown": ("U", datetime.date(2000, 6, 6), partner_a),
    }
    people = {
        name: BeneficiaryFactory(organisation=org, sex=sex, date_of_birth=born)
        for name, (sex, born, org) in specs.items()
    }

    def row(name, day, *, project=None, place=None, **fields):
        return AssistanceFactory(
            beneficiary=people[name],
            project=project,
            city=city(place) if place else None,
            delivered_on=day,
            **fields,
        )

    row("woman", datetime.date(2023, 3, 1), project=project, place="oujda")
    row("woman", datetime.date(2023, 5, 1), project=eu, place="casablanca")
    row("woman", datetime.date(2022, 12, 31), project=project, place="rabat")  # before
    row("girl", datetime.date(2023, 4, 1), place="casablanca", category="food",
        subtype="food_basket")  # fmt: skip
    row("man", datetime.date(2023, 6, 1), project=eu, place="rabat", category="avrr",
        subtype="return_from_morocco", country="GN")  # fmt: skip
    row("returnee", datetime.date(2023, 7, 1), project=eu, category="avrr",
        subtype="return_to_morocco", country="DE")  # fmt: skip
    row("boy", datetime.date(2023, 8, 1), place="tanger", category="reintegration",
        subtype="cash")  # fmt: skip
    row("boy", datetime.date(2023, 9, 1), project=project, place="tanger",
        category="employability", subtype="job_placement")  # fmt: skip
    row("unknown", datetime.date(2023, 10, 1), project=project, place="oujda")
    row("unknown", datetime.date(2023, 11, 1), project=project, place="oujda",
        status="cancelled")  # fmt: skip
    return people


@pytest.fixture
def generate_mission(officer, media, django_capture_on_commit_callbacks):
    """Request the mission's bilan; the (eager) task runs when the request commits."""
    from bilans import services
    from reporting.periods import parse_period

    def run(period="2023", language="fr"):
        with django_capture_on_commit_callbacks(execute=True):
            snapshot = services.mission_bilan_request(
                period=parse_period(period), language=language, acting_user=officer
            )
        snapshot.refresh_from_db()
        return snapshot

    return run
