"""The bilans count capacity building in its own place: the JSON's `capacity_building`, a PDF
and XLSX section only when the period had events, and a methodology sentence."""

import datetime
import io

from openpyxl import load_workbook

from bilans.document import build_document, figures_checksum
from bilans.pdf import html_for, render_pdf
from bilans.rendering import document_context, freeze_figures, render_bilan
from reporting.engine import bilan
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.bilans.test_pdf import pdf_text
from tests.capacity.factories import CapacityEventFactory

Q2 = parse_period("2023-Q2")


def _events(project, partner_a, partner_b):
    CapacityEventFactory(
        organisation=partner_a,
        project=project,
        start=datetime.date(2023, 5, 2),
        government_f=104,
        government_m=3,
    )
    CapacityEventFactory(
        organisation=partner_b,
        project=project,
        kind="coordination",
        start=datetime.date(2023, 6, 2),
        government_f=0,
        iom_unknown=2,
    )
    CapacityEventFactory(organisation=partner_a, start=datetime.date(2023, 5, 2))  # no project


def test_the_bilan_json_counts_events_apart_from_persons(project, partner_a, partner_b):
    _events(project, partner_a, partner_b)
    AssistanceFactory(
        beneficiary=BeneficiaryFactory(organisation=partner_a),
        project=project,
        delivered_on=datetime.date(2023, 5, 3),
    )
    data = bilan(project, Q2)
    assert data["indicators"]["beneficiaries_reached"]["total"] == 1  # trainees are not in it
    capacity = data["capacity_building"]
    assert capacity["events"] == 2
    assert capacity["by_kind"] == {"training": 1, "workshop": 0, "coordination": 1}
    assert capacity["participants"] == {"total": 109, "F": 104, "M": 3, "unknown": 2}
    assert capacity["by_institution"]["iom"] == {"F": 0, "M": 0, "unknown": 2, "total": 2}
    cut = bilan(project, Q2, organisation=partner_a)["capacity_building"]
    assert cut["events"] == 1 and cut["participants"]["total"] == 107


def test_the_pdf_and_xlsx_show_the_section_when_there_are_events(project, partner_a, partner_b):
    _events(project, partner_a, partner_b)
    text = " ".join(pdf_text(render_bilan(project, Q2, language="fr")).split())
    assert "Renforcement des capacités" in text
    assert "Réunions de coordination" in text
    assert "Institutions publiques" in text and "104" in text
    assert "jamais parmi les personnes assistées" in text  # the methodology sentence
    workbook = load_workbook(io.BytesIO(render_bilan(project, Q2, fmt="xlsx")))
    assert "Capacités" in workbook.sheetnames
    cells = [c.value for row in workbook["Capacités"].iter_rows() for c in row]
    assert 109 in cells and "Personnel de santé" in cells


def test_no_section_without_events_but_the_methodology_says_how(project):
    figures = freeze_figures(project, Q2)
    doc = build_document(
        figures=figures,
        context=document_context(project, organisation=None, language="fr"),
        language="fr",
        version=1,
        checksum=figures_checksum(figures),
        generated_at=None,
    )
    assert doc.capacity is None
    assert any("Renforcement des capacités" in p for p in doc.methodology)
    assert "page capacity" not in html_for(doc)


def test_a_bilan_frozen_before_capacity_building_renders_as_before(project):
    figures = freeze_figures(project, Q2)
    figures.pop("capacity_building")
    doc = build_document(
        figures=figures,
        context=document_context(project, organisation=None, language="fr"),
        language="fr",
        version=1,
        checksum=figures_checksum(figures),
        generated_at=None,
    )
    assert doc.capacity is None
    assert not any("capacit" in p.lower() for p in doc.methodology)
    assert render_pdf(doc).startswith(b"%PDF")
