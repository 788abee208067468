"""The bilan PDF and XLSX from known data (issue 6): the figures a donor reads, in French and
in Arabic, checked in the text pdftotext extracts."""

import datetime
import html
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from bilans.document import build_document, figures_checksum
from bilans.pdf import html_for, render_pdf, visual_order
from bilans.rendering import document_context, freeze_figures, render_bilan
from bilans.texts import (
    MONTHS,
    TEXTS,
    age_band_label,
    hidden_count_stand_in,
    key_figure_label,
    texts_for,
)
from bilans.xlsx import render_xlsx
from core.spreadsheets import neutralise as safe
from reporting.periods import parse_period
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.core.test_translations import catalogue

Q2 = parse_period("2023-Q2")
SVG = "{http://www.w3.org/2000/svg}"


BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])


def pdf_text(content: bytes) -> str:
    """The PDF's text, without the bidi controls pdftotext adds around right-to-left runs."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").translate(BIDI_CONTROLS)


def as_extracted(arabic: str) -> str:
    """pdftotext gives a lam-alef ligature back as alef then lam: compare in that form."""
    for ligature in ("لأ", "لإ", "لآ", "لا"):
        arabic = arabic.replace(ligature, ligature[::-1])
    return arabic


def document(project, language, version=3):
    figures = freeze_figures(project, Q2)
    return build_document(
        figures=figures,
        context=document_context(project, organisation=None, language=language),
        language=language,
        version=version,
        checksum=figures_checksum(figures),
        generated_at=timezone.now(),
    )


def table_line(text: str, label: str) -> list[str]:
    """The numbers on the table row of `label` in pdftotext's layout output (the chart's
    line for the same label only carries the total)."""
    rows = [
        re.findall(r"(?<![\w-])\d+(?![\w-])", line.replace(label, " "))
        for line in text.splitlines()
        if label in line
    ]
    if not rows:
        raise AssertionError(f"{label!r} not found in:\n{text}")
    return max(rows, key=len)


@pytest.fixture
def rendered(project, known_data, exact_figures):
    project.title = "Protection des migrants vulnérables"
    project.budget = 151500
    project.save()
    return {lang: render_pdf(document(project, lang)) for lang in ("fr", "ar")}


def test_french_pdf_prints_the_expected_figures(rendered, project):
    text = pdf_text(rendered["fr"])
    assert "Protection des migrants vulnérables" in text
    assert "Ambassade du Japon" in text
    assert "1 avril 2023 – 30 juin 2023" in text
    assert "151 500 USD" in text or "151\u202f500 USD" in text
    assert "Partenaire A" in text and "Partenaire B" in text
    # women, girls, men, boys, unknown, total
    assert table_line(text, "Bénéficiaires atteints") == ["3", "1", "2", "1", "1", "8"]
    assert table_line(text, "Assistances délivrées") == ["7", "1", "4", "1", "1", "14"]
    assert table_line(text, "Services médicaux délivrés") == ["6", "1", "2", "1", "1", "11"]
    # AVRR: returns by country and sex (F, M, unknown, total)
    assert table_line(text, "Guinée") == ["0", "2", "0", "2"]
    assert table_line(text, "Côte d'Ivoire") == ["1", "0", "0", "1"]
    assert "Méthodologie" in text and "premier service" in text
    assert "Version 3" in text
    checksum = figures_checksum(freeze_figures(project, Q2))
    assert checksum[:16] in text.replace("\n", "")
    assert re.search(r"Page 1 sur \d+", text)


def test_arabic_pdf_is_arabic_with_the_same_figures(rendered, project):
    text = pdf_text(rendered["ar"])
    for key in ("key_figures", "women", "girls", "men", "boys", "total", "avrr_title"):
        assert as_extracted(texts_for("ar")[key]) in text, key
    # The methodology page, in Arabic (punctuation aside, which bidi reorders).
    assert as_extracted("كيف يُحتسب كل رقم") in text
    assert as_extracted("خدمة معتمدة") in text
    assert "يونيو" in text  # June, in the Moroccan month names
    # pdftotext writes right-to-left lines in visual order: the row of the persons
    # indicator holds the same six figures.
    numbers = max(
        (re.findall(r"\d+", line) for line in text.splitlines() if "المستفيدون" in line), key=len
    )
    assert sorted(numbers) == sorted(["3", "1", "2", "1", "1", "8"])
    assert "Méthodologie" not in text and "Femmes" not in text


def test_html_is_right_to_left_in_arabic_only(project, known_data):
    assert 'dir="rtl"' in html_for(document(project, "ar"))
    assert 'dir="ltr"' in html_for(document(project, "fr"))


def test_arabic_pdf_charts_run_right_to_left_with_whole_labels(project, known_data):
    doc = document(project, "ar")
    charts = [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", html_for(doc), re.S)]  # noqa: S314
    # Key figures, health, and returns (all under k = 5: no bar, their "<5" printed).
    assert len(charts) == 3
    assert "<5" in [t.text for t in charts[2].iter(f"{SVG}text")]
    for chart in charts[:2]:
        width = float(chart.get("viewBox").split()[2])
        bars = [r for r in chart.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
        # The label column is on the right; the bars grow leftwards from it.
        assert max(float(r.get("x")) + float(r.get("width")) for r in bars) <= width - 230
    for chart in charts:
        assert not any("…" in (t.text or "") for t in chart.iter(f"{SVG}text"))
    shown = " ".join(t.text for t in charts[1].iter(f"{SVG}text"))
    label = doc.sections[0].chart_rows[-1].label  # the longest: public health referrals
    assert len(label) > 40
    assert all(visual_order(word) in shown for word in label.split())


def test_small_cells_are_hidden_and_explained(project, known_data):
    project.small_cell_threshold = 3
    project.save()
    text = pdf_text(render_pdf(document(project, "fr")))
    assert "<3" in text
    assert "Protection des petits effectifs" in text
    assert table_line(text, "Bénéficiaires atteints")[-1] == "8"


@pytest.mark.parametrize(
    ("k", "language", "expected"),
    [
        (5, "fr", "Pour protéger les personnes, les effectifs de 1 à 4 sont remplacés par « <5 »"),
        (5, "en", "To protect individuals, counts from 1 to 4 are replaced by “<5”"),
        (5, "ar", "لحماية الأشخاص، تُستبدل الأعداد من 1 إلى 4 بالرمز «<5»"),
        (2, "fr", "les effectifs égaux à 1 sont remplacés par « <2 »"),
        (0, "fr", "Aucun effectif n'est masqué dans ce bilan : le seuil des petits effectifs du "
                  "projet est de 0"),
        (1, "en", "No count is hidden in this report: the project's small-cell threshold is 1"),
        (0, "ar", "لا يُحجب أي عدد في هذه الحصيلة: عتبة الأعداد الصغيرة في المشروع هي 0"),
    ],
)  # fmt: skip
def test_the_methodology_states_the_small_cell_threshold(project, known_data, k, language,
                                                        expected):  # fmt: skip
    project.small_cell_threshold = k
    project.save(update_fields=["small_cell_threshold"])
    doc = document(project, language)
    method = html_for(doc).split('<section class="page method">')[1]
    assert expected in html.unescape(method)
    sheet = load_workbook(io.BytesIO(render_xlsx(doc))).worksheets[-1]
    assert expected in " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    if language != "ar":  # pdftotext gives right-to-left lines in visual order
        assert expected in " ".join(pdf_text(render_pdf(doc)).split())


def test_a_raw_internal_bilan_says_nothing_is_hidden(project, known_data):
    text = render_bilan(project, Q2, fmt="xlsx", raw=True)
    sheet = load_workbook(io.BytesIO(text)).worksheets[-1]
    method = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert "Version interne, réservée à l'OIM : aucun effectif n'y est masqué." in method
    assert "inférieurs à 5 par « <5 »" in method


# The words that agree with a count (bilans.texts.key_figure_label and age_band_label).
PLURAL_TEXTS = [
    ("personne atteinte", "personnes atteintes"),
    ("assistance délivrée", "assistances délivrées"),
    ("%(age)s an et plus", "%(age)s ans et plus"),
    ("%(band)s an", "%(band)s ans"),
    ("médiane : %(days)s jour", "médiane : %(days)s jours"),
]


def test_every_text_is_translated():
    """Every word of the documents is in the catalogues under the context "bilan" with its
    English and Arabic (tests/core/test_translations.py holds each entry to the catalogue's
    contract: translated, not fuzzy, placeholders kept), and the documents print them."""
    with translation.override("fr"):
        french = [str(text) for text in (*TEXTS.values(), *MONTHS)]
    for lang in ("en", "ar"):
        translated = {
            (e.msgid, e.msgid_plural): e.msgstr
            for e in catalogue(lang)
            if e.msgctxt == "bilan" and e.msgstr and all(e.msgstr.values())
        }
        assert [text for text in french if (text, None) not in translated] == [], lang
        assert [pair for pair in PLURAL_TEXTS if pair not in translated] == [], lang
        with translation.override(lang):
            shown = [str(text) for text in (*TEXTS.values(), *MONTHS)]
        assert shown == [translated[(text, None)][0] for text in french], lang


@pytest.mark.parametrize(
    ("language", "count", "persons", "bands"),
    [
        ("fr", 1, "personne atteinte", {"0-4": "0-4 ans", "60+": "60 ans et plus"}),
        ("fr", 8, "personnes atteintes", {"unknown": "Âge inconnu"}),
        ("fr", "<5", "personnes atteintes", {}),
        ("en", 1, "person reached", {"0-4": "0-4 years", "60+": "60 and over"}),
        ("en", 0, "persons reached", {"unknown": "Unknown age"}),
        ("ar", 8, "أشخاص تم الوصول إليهم", {"0-4": "0-4 سنوات", "0-10": "0-10 سنوات"}),
        ("ar", 25, "شخصا تم الوصول إليهم", {"12-17": "12-17 سنة", "60+": "60 سنة فما فوق"}),
        ("ar", 300, "شخص تم الوصول إليهم", {"unknown": "سن غير معروف"}),
        ("ar", "x", "أشخاص تم الوصول إليهم", {}),
    ],
)
def test_counted_words_agree_with_their_number(language, count, persons, bands):
    """The words under a key figure agree with it (a hidden one with k = 5), an age band's
    unit with its last number."""
    with translation.override(language):
        count = hidden_count_stand_in(count, 5)
        assert key_figure_label("beneficiaries_reached", count) == persons
        assert {band: age_band_label(band) for band in bands} == bands


def test_xlsx_has_one_sheet_per_section_and_the_same_figures(project, known_data, exact_figures):
    workbook = load_workbook(io.BytesIO(render_xlsx(document(project, "fr"))))
    assert workbook.sheetnames[:2] == ["Projet", "Chiffres clés"]
    assert "Santé physique et mentale" in workbook.sheetnames
    assert workbook.sheetnames[-2:] == ["Retours", "Méthodologie"]
    rows = [list(r) for r in workbook["Chiffres clés"].iter_rows(values_only=True)]
    assert ["Bénéficiaires atteints", 3, 1, 2, 1, 1, 8] in [r[:7] for r in rows]
    ar = load_workbook(io.BytesIO(render_xlsx(document(project, "ar"))))
    assert ar.active.sheet_view.rightToLeft


def test_xlsx_neutralises_formula_like_text(project, known_data):
    project.title = '=HYPERLINK("http://evil.example","x")'
    project.save()
    workbook = load_workbook(io.BytesIO(render_xlsx(document(project, "fr"))))
    values = [c for row in workbook["Projet"].iter_rows(values_only=True) for c in row if c]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert safe("+1") == "'+1" and safe("@x") == "'@x" and safe("ok") == "ok" and safe(3) == 3


def test_bilan_command_writes_pdf_and_xlsx(project, known_data, tmp_path):
    target = tmp_path / "bilan.pdf"
    call_command(
        "bilan", "--project", project.code, "--period", "2023-Q2", "--format", "pdf",
        "--language", "ar", "--output", str(target), stderr=io.StringIO(),
    )  # fmt: skip
    assert as_extracted("كيف يُحتسب كل رقم") in pdf_text(target.read_bytes())
    target = tmp_path / "bilan.xlsx"
    call_command(
        "bilan", "--project", project.code, "--period", "2023-Q2", "--format", "xlsx",
        "--output", str(target), stderr=io.StringIO(),
    )  # fmt: skip
    assert "Méthodologie" in load_workbook(target).sheetnames
    assert render_bilan(project, Q2, fmt="xlsx")[:2] == b"PK"


def test_english_pdf(project, known_data):
    text = pdf_text(render_pdf(document(project, "en")))
    assert "Key figures" in text and "Methodology: how every figure is counted" in text
    assert re.search(r"Page 1 of \d+", text)
    assert "Méthodologie" not in text


@pytest.fixture
def returns_with_hidden_cells(project, partner_a):
    """Returns from Morocco in 2023-Q2 that k = 5 hides in part: Senegal 3 women and 12 men
    (3 → "<5"), Guinea 5 women and 9 men (5 → "x", so Senegal's 3 cannot be recovered)."""
    for country, women, men in (("SN", 3, 12), ("GN", 5, 9)):
        for sex, count in (("F", women), ("M", men)):
            for _ in range(count):
                person = BeneficiaryFactory(
                    organisation=partner_a, sex=sex, date_of_birth=datetime.date(1990, 1, 1)
                )
                AssistanceFactory(
                    beneficiary=person,
                    project=project,
                    category="avrr",
                    subtype="return_from_morocco",
                    country=country,
                    delivered_on=datetime.date(2023, 5, 10),
                )


def test_the_returns_chart_keeps_countries_with_hidden_counts(project, returns_with_hidden_cells):
    assert project.small_cell_threshold == 5
    doc = document(project, "fr")
    table = doc.avrr.tables[0]
    # The biggest published count first, in the table and in the chart.
    assert [(row.label, row.cells) for row in table.rows] == [
        ("Sénégal", ["<5", 12, 0, "x"]),
        ("Guinée", ["x", 9, 0, "x"]),
    ]
    svg = next(s for s in re.findall(r"<svg.*?</svg>", html_for(doc), re.S) if "Guinée" in s)
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]  # noqa: S314
    assert texts.index("Sénégal") < texts.index("Guinée")
    # Each bar ends with its hidden counts, as the sex bars do.
    assert "12 + <5" in texts and "9 + x" in texts
    # In the PDF: the chart's line, then the table's.
    lines = [" ".join(line.split()) for line in pdf_text(render_pdf(doc)).splitlines()]
    assert [line for line in lines if "Sénégal" in line] == ["Sénégal 12 + <5", "Sénégal <5 12 0 x"]
