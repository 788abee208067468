"""The project bilan shows achieved / target per target, frozen with its figures."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bilans import services
from bilans.document import build_document, figures_checksum
from bilans.pdf import html_for, render_pdf
from bilans.rendering import document_context, freeze_figures
from bilans.xlsx import render_xlsx
from reporting.periods import Period
from results.services import target_update
from tests.bilans.test_pdf import pdf_text
from tests.results.factories import ExpectedResultFactory, TargetFactory, indicator

YEAR = Period(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))


@pytest.fixture
def framework(project, partner_a, deliveries):
    project.small_cell_threshold = 0
    project.save(update_fields=["small_cell_threshold"])
    result = ExpectedResultFactory(project=project, statement_fr="Accès aux soins de santé")
    whole = TargetFactory(result=result, baseline=2, target_total=8, target_female=5, target_male=3)
    TargetFactory(result=result, organisation=partner_a, target_total=6)
    return whole


def document(project, language="fr"):
    figures = freeze_figures(project, YEAR)
    return figures, build_document(
        figures=figures,
        context=document_context(project, organisation=None, language=language),
        language=language,
        version=1,
        checksum=figures_checksum(figures),
        generated_at=timezone.now(),
    )


def test_pdf_and_xlsx_show_achieved_against_target(project, framework):
    figures, doc = document(project)
    assert [t["achieved"] for t in figures["targets"]] == [4, 3]
    html = html_for(doc)
    assert 'class="bar-fill" style="width: 50%"' in html
    text = pdf_text(render_pdf(doc))
    assert "Cadre de résultats" in text
    assert "Accès aux soins de santé" in text
    assert re.search(r"4\s*/\s*8", text) and re.search(r"3\s*/\s*6", text) and "50 %" in text
    assert "Femmes et filles : 3 / 5" in text
    assert "Partenaire A" in text
    flat = " ".join(text.split())
    assert "la valeur de référence est affichée à côté, non déduite" in flat

    book = load_workbook(io.BytesIO(render_xlsx(doc)))
    sheet = book["Cibles"]
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any(row[:1] == ["Accès aux soins de santé"] for row in values)
    assert [2, 4, 8, 50] in [row[1:] for row in values if len(row) == 5]
    method = " ".join(
        str(c) for row in book["Méthodologie"].iter_rows(values_only=True) for c in row if c
    )
    assert "non déduite" in method


def test_arabic_bilan_names_the_indicators_in_arabic(project, framework):
    _figures, doc = document(project, "ar")
    row = doc.targets[0]["rows"][0]
    assert row["indicator"] == indicator("beneficiaries_reached").label("ar")


def test_a_bilan_without_targets_is_unchanged(project, deliveries):
    figures, doc = document(project)
    assert "targets" not in figures and doc.targets == []
    assert "non déduite" not in " ".join(doc.methodology)


def test_a_snapshot_keeps_the_targets_it_was_generated_with(
    project, framework, officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.bilan_request(project=project, period=YEAR, acting_user=officer)
    snapshot.refresh_from_db()
    assert snapshot.figures["targets"][0]["target"] == 8
    checksum = snapshot.checksum
    target_update(target=framework, target_total=80, acting_user=officer)
    snapshot.refresh_from_db()
    assert snapshot.figures["targets"][0]["target"] == 8 and snapshot.checksum == checksum
    assert freeze_figures(project, YEAR)["targets"][0]["target"] == 80
