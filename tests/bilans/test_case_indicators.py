"""The case indicators (issue 14) in the bilan documents: their own section, the median of
days in words, the persons by closure reason, in the PDF and the XLSX."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bilans.document import build_document, figures_checksum, median_text
from bilans.pdf import render_pdf
from bilans.rendering import document_context, freeze_figures
from bilans.texts import texts_for
from bilans.xlsx import render_xlsx
from cases.models import Case, CaseTransition
from reporting.periods import parse_period
from tests.bilans.test_pdf import pdf_text, table_line

Q2 = parse_period("2023-Q2")
D = datetime.date


def make_case(person, organisation, opened_on, closed=None):
    case = Case.objects.create(
        beneficiary=person,
        organisation=organisation,
        opened_on=opened_on,
        status="closed" if closed else "open",
        closed_on=closed[0] if closed else None,
        closure_reason=closed[1] if closed else "",
    )
    CaseTransition.objects.create(case=case, kind="opened", on=opened_on)
    if closed:
        CaseTransition.objects.create(
            case=case, kind="closed", on=closed[0], closure_reason=closed[1]
        )


@pytest.fixture
def cases(known_data, partner_a):
    """Five of the known people with a case opened in Q2; four closed: three after 30 days
    (goals met), the girl after 60 (contact lost)."""
    women, girl, man = known_data[:3], known_data[3], known_data[4]
    for woman in women:
        make_case(woman, partner_a, D(2023, 4, 1), (D(2023, 5, 1), "goals_met"))
    make_case(girl, partner_a, D(2023, 4, 10), (D(2023, 6, 9), "lost_contact"))
    make_case(man, partner_a, D(2023, 5, 1))
    return known_data


def document(project, language):
    figures = freeze_figures(project, Q2)
    return build_document(
        figures=figures,
        context=document_context(project, organisation=None, language=language),
        language=language,
        version=1,
        checksum=figures_checksum(figures),
        generated_at=timezone.now(),
    )


def test_the_figures_carry_the_case_indicators(project, cases, exact_figures):
    figures = freeze_figures(project, Q2)["indicators"]
    assert figures["cases_opened_persons"]["total"] == 5
    assert figures["cases_closed_persons"]["by_closure_reason"] == {
        "goals_met": 3,
        "lost_contact": 1,
    }
    assert figures["case_closure_median_days"]["median"] == 30.0
    assert figures["case_closure_median_days"]["total"] == 4


def test_pdf_has_a_case_section_with_the_median_and_the_closure_reasons(
    project, cases, exact_figures
):
    doc = document(project, "fr")
    section = next(s for s in doc.sections if s.key == "cases")
    assert section.title == "Suivi individuel des cas"
    opened = next(r for r in section.chart_rows if r.code == "cases_opened_persons")
    # women, girls, men, boys, unknown, total
    assert opened.cells == [3, 1, 1, 0, 0, 5]
    text = pdf_text(render_pdf(doc))
    flat = " ".join(text.split())
    assert "Suivi individuel des cas" in text
    assert "personnes 3 1 1 0 0 5" in flat
    assert "médiane : 30 jours" in flat
    assert "clôtures 3 1 0 0 0 4" in flat  # the median's row counts its closures
    assert table_line(text, "Objectifs atteints") == ["3"]
    assert table_line(text, "Contact perdu") == ["1"]
    assert "Dossiers de suivi" in text  # the methodology says how cases are counted


def test_xlsx_has_the_case_section(project, cases, exact_figures):
    workbook = load_workbook(io.BytesIO(render_xlsx(document(project, "fr"))))
    assert "Suivi individuel des cas" in workbook.sheetnames
    rows = [list(r) for r in workbook["Suivi individuel des cas"].iter_rows(values_only=True)]
    labels = [r[0] for r in rows]
    assert any(label and "médiane : 30 jours" in label for label in labels)
    reason = next(r for r in rows if r[0] == "Objectifs atteints")
    assert [v for v in reason[1:] if v not in (None, "")] == [3]


def test_a_hidden_or_missing_median_reads_as_such(project, cases):
    # A new project hides counts below 5: four closures hide their median.
    doc = document(project, "fr")
    rows = next(s for s in doc.sections if s.key == "cases").chart_rows
    assert any("médiane masquée : moins de 5 clôtures" in row.label for row in rows)
    t = texts_for("fr")
    assert median_text(None, t, "fr") == "aucune clôture sur la période"
    assert median_text(42.5, t, "fr") == "médiane : 42,5 jours"
    assert median_text(1.5, t, "fr") == "médiane : 1,5 jour"
    assert "42.5" in median_text(42.5, texts_for("en"), "en")


def test_the_methodology_speaks_of_cases_only_when_the_bilan_has_case_indicators(
    project, cases, exact_figures
):
    t = texts_for("fr")
    doc = document(project, "fr")
    assert t["method_cases"] in doc.methodology and t["method_cases_project"] in doc.methodology
    figures = freeze_figures(project, Q2)
    for code in ("cases_opened_persons", "cases_closed_persons", "case_closure_median_days"):
        del figures["indicators"][code]
    older = build_document(
        figures=figures,
        context=document_context(project, organisation=None, language="fr"),
        language="fr",
        version=1,
        checksum=figures_checksum(figures),
        generated_at=timezone.now(),
    )
    assert t["method_cases"] not in older.methodology
    assert not any(s.key == "cases" for s in older.sections)
