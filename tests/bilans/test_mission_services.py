"""The mission's bilan requested, generated and published (issue 15, DESIGN.md §9): the same
pipeline as a project's (task, progress, versions, files, publication), the mission's figures
(every assistance of every project and of none, a person counted once), its PDF and XLSX in
French and Arabic after the annual bilan 2022."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from bilans import services
from bilans.document import figures_checksum
from bilans.models import BilanSnapshot, SnapshotScope, SnapshotStatus, TaskState
from bilans.rendering import snapshot_document
from bilans.tasks import generate_bilan
from bilans.texts import texts_for
from core.models import AuditEntry
from frameworks.models import Axis
from reporting.periods import parse_period
from tests.bilans.test_pdf import as_extracted, pdf_text, table_line

YEAR = parse_period("2023")


def test_an_officer_gets_the_missions_figures_files_and_context(
    generate_mission, mission_data, media, officer
):
    snapshot = generate_mission()
    assert (snapshot.scope, snapshot.project, snapshot.version) == ("mission", None, 1)
    assert snapshot.task_state == TaskState.DONE and snapshot.progress == 100
    assert snapshot.status == SnapshotStatus.DRAFT and snapshot.requested_by == officer
    figures = snapshot.figures
    assert (figures["scope"], figures["start"], figures["end"]) == (
        "mission", "2023-01-01", "2023-12-31",
    )  # fmt: skip
    persons = figures["indicators"]["beneficiaries_reached"]
    # The woman of both projects once; the rows of 2022 and the cancelled one never.
    assert [persons[k] for k in ("total", "women", "girls", "men", "boys", "unknown")] == [
        6, 1, 1, 2, 1, 1,
    ]  # fmt: skip
    medical = figures["indicators"]
    assert (medical["medical_persons"]["total"], medical["medical_services"]["total"]) == (2, 3)
    assert figures["by_city"]["oujda"] == {"F": 1, "M": 0, "unknown": 1}  # her first city
    assert figures["by_city"]["unknown"] == {"F": 0, "M": 1, "unknown": 0}
    assert figures["by_axis"]["protection"]["persons"]["total"] == 6
    assert figures["by_axis"]["governance"]["persons"]["total"] == 1  # the boy's job
    assert snapshot.checksum == figures_checksum(figures)
    # Frozen with them: the projects of the period with donor and partners (not OLD-2022).
    context = snapshot.context
    assert [p["code"] for p in context["projects"]] == ["EU-AVRR", "JPN-PROT"]
    assert context["donors"] == ["Ambassade du Japon", "Union européenne"]
    assert context["partners"] == ["Partenaire A", "Partenaire B"]
    assert [a["code"] for a in context["axes"]] == ["governance", "protection", "youth"]
    assert snapshot.pdf.name == "bilans/mission/bilan-mission-20230101-20231231-fr-v1.pdf"
    assert (media / snapshot.pdf.name).read_bytes().startswith(b"%PDF")
    assert (media / snapshot.xlsx.name).read_bytes().startswith(b"PK")
    entry = AuditEntry.objects.filter(object_id=str(snapshot.pk)).order_by("pk").first()
    assert entry.changes["scope"] == [None, "mission"]
    # The XLSX: indicators, by city, by axis, returns, donors and partners.
    book = load_workbook(io.BytesIO((media / snapshot.xlsx.name).read_bytes()))
    assert book.sheetnames == [
        "Mission", "Indicateurs", "Par ville", "Par axe", "Retours",
        "Bailleurs et partenaires", "Méthodologie",
    ]  # fmt: skip

    def rows(sheet):
        return [
            [c for c in row if c is not None] for row in book[sheet].iter_rows(values_only=True)
        ]

    assert ["Bénéficiaires atteints", "personnes", 1, 1, 2, 1, 1, 6] in rows("Indicateurs")
    assert ["Oujda", 1, 0, 1, 2] in rows("Par ville")
    axes = rows("Par axe")
    assert ["Axe 2 : Protection et résilience"] in axes
    assert ["Personnes distinctes de l'axe", 1, 1, 2, 1, 1, 6] in axes
    assert ["Guinée", 0, 1, 0, 1] in rows("Retours")
    donors = rows("Bailleurs et partenaires")
    assert any(r and "EU-AVRR" in str(r[0]) and "Union européenne" in r for r in donors)


def test_the_french_pdf_follows_the_annual_bilan(generate_mission, mission_data, media):
    snapshot = generate_mission()
    text = pdf_text((media / snapshot.pdf.name).read_bytes())
    flat = " ".join(text.split())  # a phrase wrapped over lines, on one
    assert "Bilan de la mission de l'OIM au Maroc" in flat
    assert "1 janvier 2023 – 31 décembre 2023" in text
    # Key figures: persons, share of women and girls, cities, partners, projects, services.
    assert "personnes atteintes" in text
    assert re.search(r"\b33\s%", text) and "de femmes et de filles" in flat
    doc = snapshot_document(
        figures=snapshot.figures, context=snapshot.context, language="fr", version=1,
        checksum=snapshot.checksum, generated_at=snapshot.generated_at,
    )  # fmt: skip
    tiles = [(tile["text"], tile["label"]) for tile in doc.tiles]
    assert tiles == [
        ("6", "personnes atteintes"),
        ("33\u202f%", "de femmes et de filles parmi les personnes atteintes"),
        ("4", "villes atteintes"),
        ("2", "partenaires de mise en œuvre"),
        ("2", "projets actifs sur la période"),
        ("8", "assistances délivrées"),
    ]
    for _number, label in tiles:
        assert label in flat
    assert table_line(text, "Bénéficiaires atteints") == ["1", "1", "2", "1", "1", "6"]
    # Persons by city (F, M, unknown, total): every city once, the unknown one last.
    assert table_line(text, "Oujda") == ["1", "0", "1", "2"]
    assert table_line(text, "Ville non renseignée") == ["0", "1", "0", "1"]
    # One chapter per axis, with its sub-themes.
    for number, axis in enumerate(Axis.objects.filter(is_active=True), start=1):
        assert f"Axe {number} : {axis.label('fr')}" in flat
    assert "Personnes distinctes de l'axe" in text
    assert "Assistance médicale et psychosociale" in text
    # The returns, by country and sex; returnees by host country; reintegration by type.
    assert table_line(text, "Guinée") == ["0", "1", "0", "1"]
    assert table_line(text, "Allemagne") == ["0", "1", "0", "1"]
    assert "Réintégration, par type d'appui" in text and "Aide en espèces" in text
    # The donors and partners of the year; the methodology.
    assert "Bailleurs et partenaires de la période" in text
    assert "Union européenne" in text and "Partenaire B" in text and "EU-AVRR" in text
    assert "OLD-2022" not in text and "Ancien bailleur" not in text
    assert "Règle de la première assistance" in text
    assert "comptée une seule fois" in flat and "aucun effectif n'y est masqué" in flat
    assert "Version 1" in text and snapshot.checksum[:16] in text.replace("\n", "")


def test_the_arabic_pdf_is_arabic_and_right_to_left(generate_mission, mission_data, media):
    snapshot = generate_mission(language="ar")
    assert snapshot.file_basename() == "bilan-mission-20230101-20231231-ar-v1"
    text = " ".join(pdf_text((media / snapshot.pdf.name).read_bytes()).split())
    t = texts_for("ar")
    for key in ("mission_title", "key_figures", "by_city_title", "donors_title"):
        assert as_extracted(t[key]) in text, key
    assert as_extracted("كيف يُحتسب كل رقم") in text  # the methodology (its colon aside)
    for axis in Axis.objects.filter(is_active=True):
        assert as_extracted(axis.label("ar")) in text, axis.code
    assert as_extracted("وجدة") in text  # Oujda, in Arabic
    assert "ديسمبر" in text or "دجنبر" in text  # December, as said in Morocco
    assert "Femmes" not in text


def test_capacity_building_has_its_section_when_the_figures_carry_it(mission_data, officer):
    from bilans.mission import build_mission_document, mission_context
    from bilans.pdf import html_for
    from bilans.rendering import freeze_mission_figures

    figures = freeze_mission_figures(YEAR)
    context = mission_context(YEAR, figures, language="fr")

    def build(figures):
        return build_mission_document(
            figures=figures, context=context, language="fr", version=1, checksum="0" * 64,
            generated_at=None,
        )  # fmt: skip

    assert build(figures).capacity == [] and "page capacity" not in html_for(build(figures))
    figures["capacity_building"] = {
        "events": 3,
        "by_kind": {"training": 2, "workshop": 1, "coordination": 0},
        "participants": {"total": 40, "F": 22, "M": 17, "unknown": 1},
        "by_institution": {"government": {"F": 5, "M": 4, "unknown": 0, "total": 9}},
    }
    doc = build(figures)
    kinds, institutions = doc.capacity
    assert [(r.label, r.cells) for r in kinds.rows] == [
        ("Formations", [2]), ("Ateliers", [1]), ("Réunions de coordination", [0]), ("Total", [3]),
    ]  # fmt: skip
    assert [(r.label, r.cells) for r in institutions.rows] == [
        ("Institutions publiques", [5, 4, 0, 9]), ("Total", [22, 17, 1, 40]),
    ]  # fmt: skip
    assert 'class="page capacity"' in html_for(doc)


def test_versions_count_per_mission_series(generate_mission, mission_data, fast_render, project):
    first, second = generate_mission(), generate_mission()
    arabic = generate_mission(language="ar")
    half = generate_mission(period="2023-Q1")
    assert (first.version, second.version, arabic.version, half.version) == (1, 2, 1, 1)
    again = services.bilan_request_again(snapshot=first, acting_user=first.requested_by)
    assert again.scope == SnapshotScope.MISSION and again.project is None
    assert (again.start, again.end, again.language) == (first.start, first.end, "fr")


def test_a_redelivered_task_does_nothing_more(generate_mission, mission_data, fast_render):
    snapshot = generate_mission()
    assert generate_bilan.apply(args=[snapshot.pk]).get() == 1
    assert BilanSnapshot.objects.get().version == 1


def test_publishing_freezes_the_mission_bilan(generate_mission, mission_data, fast_render, officer):
    snapshot = generate_mission()
    services.bilan_publish(snapshot=snapshot, acting_user=officer)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.PUBLISHED and snapshot.published_by == officer
    with pytest.raises(ValidationError):
        services.bilan_publish(snapshot=snapshot, acting_user=officer)


@pytest.mark.parametrize("who", ["alice", "manager_a", "charlie", "donor_user"])
def test_only_officers_request_it(request, who, mission_data, media):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.mission_bilan_request(period=YEAR, acting_user=user, language="fr")
    assert not BilanSnapshot.objects.exists()


def test_a_request_names_its_author_and_a_known_language(officer, media):
    with pytest.raises(TypeError):
        services.mission_bilan_request(period=YEAR, acting_user=None)
    with pytest.raises(ValidationError):
        services.mission_bilan_request(period=YEAR, acting_user=officer, language="de")
    assert not BilanSnapshot.objects.exists()
