"""The SVG chart component: well-formed, escaped, accessible, and drawing the figures."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from reporting import charts

NS = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 - our own output


def test_bar_chart_is_valid_svg_with_title_desc_and_escaped_labels():
    svg = charts.bar_chart(
        [("<script>alert(1)</script>", {"women": 3, "girls": 1}), ("B & C", {"men": 2})],
        title="Titre <b>",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Titre <b>"
    assert "<script>" not in str(svg)
    assert "women" not in root.find(f"{NS}desc").text  # series labels, not keys
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert len(bars) == 3
    widths = sorted(float(r.get("width")) for r in bars)
    assert widths[-1] == 3 * widths[0]  # proportional to the counts


def shown(svg) -> list[str]:
    """The texts a reader sees on the chart (not its <title>/<desc>)."""
    return [t.text for t in parse(svg).iter(f"{NS}text")]


def bars(svg) -> list:
    return [r for r in parse(svg).iter(f"{NS}rect") if r.find(f"{NS}title") is not None]


def test_bar_chart_tolerates_suppressed_and_empty_values():
    hidden = charts.bar_chart([("Oujda", {"women": "<5", "men": 0})], title="t")
    # The hidden count is printed after the (empty) bar as published; no 0 appears anywhere
    # (neither for it nor for the zero beside it, nor as "0 + <5").
    assert shown(hidden)[-1] == "<5"
    assert not any(text == "0" or text.startswith("0 ") for text in shown(hidden))
    assert bars(hidden) == []
    assert "Oujda: Femmes <5" in parse(hidden).find(f"{NS}desc").text
    mixed = charts.bar_chart([("Oujda", {"women": "<5", "men": 7})], title="t")
    assert shown(mixed)[-1] == "7 + <5" and len(bars(mixed)) == 1
    # A published total wins over the sum of what is drawn.
    total = charts.bar_chart([("Oujda", {"women": "<5", "men": 7, "total": 9})], title="t")
    assert shown(total)[-1] == "9"
    for empty in ([], [("Oujda", {"women": 0, "men": 0})]):
        svg = charts.bar_chart(empty, title="vide")
        assert shown(svg) == ["vide", "Aucune donnée sur la période."]
        assert bars(svg) == []


def test_line_chart_and_pyramid_say_when_there_is_nothing_to_draw():
    for points in ([], [("jan", {"total": 0}), ("fév", {"total": 0})]):
        svg = charts.line_chart(points, title="Tendance")
        assert shown(svg) == ["Tendance", "Aucune donnée sur la période."]
        assert not list(parse(svg).iter(f"{NS}polyline"))
    pyramid = charts.age_pyramid([("0-4", 0, 0)], title="Pyramide", empty="Rien")
    assert shown(pyramid) == ["Pyramide", "Rien"]


def test_long_labels_wrap_instead_of_being_cut():
    label = "Personnes orientées vers la santé publique ayant finalement reçu le service"
    svg = charts.bar_chart([(label, {"women": 2})], title="t", label_width=200)
    texts = shown(svg)
    lines = texts[1 + len(charts.SEX_SERIES) : -1]  # after the title and legend, before the 2
    assert len(lines) >= 2 and " ".join(lines) == label
    assert not any("…" in t for t in texts)
    # Every line stays inside the label column (the chart's edge would cut it).
    assert all(len(line) * charts.CHAR_WIDTH <= 200 for line in lines)


def test_a_right_to_left_chart_is_mirrored_and_states_its_direction():
    rows = [("النساء المستفيدات", {"women": 3, "men": 1})]
    ltr = parse(charts.bar_chart(rows, title="t", width=640, label_width=200))
    rtl = parse(charts.bar_chart(rows, title="t", width=640, label_width=200, rtl=True))
    assert (ltr.get("direction"), rtl.get("direction")) == ("ltr", "rtl")
    # Bars grow from the label column towards the other edge: leftwards in right to left.
    ltr_bar = next(r for r in ltr.iter(f"{NS}rect") if r.find(f"{NS}title") is not None)
    rtl_bar = next(r for r in rtl.iter(f"{NS}rect") if r.find(f"{NS}title") is not None)
    assert float(ltr_bar.get("x")) == 200
    assert float(rtl_bar.get("x")) + float(rtl_bar.get("width")) == 640 - 200
    label = next(t for t in rtl.iter(f"{NS}text") if t.text == rows[0][0])
    # x = 640 − 194 with text-anchor end in a right-to-left svg: the label's left edge sits
    # beside the bars and the label runs to the right.
    assert (float(label.get("x")), label.get("text-anchor")) == (446, "end")


def test_text_for_a_renderer_without_bidi_is_given_in_visual_order():
    svg = charts.bar_chart(
        [("ab cd", {"women": 1})], title="titre", rtl=True, visual=lambda text: text[::-1]
    )
    root = parse(svg)
    assert root.get("direction") == "ltr"  # already in visual order: laid out left to right
    assert "dc ba" in shown(svg) and "ertit" in shown(svg)
    assert root.find(f"{NS}title").text == "titre"  # what screen readers get stays logical


def test_line_chart_and_pyramid():
    root = parse(
        charts.line_chart([("jan", {"total": 1}), ("fév", {"total": 4})], title="Tendance")
    )
    assert len(list(root.iter(f"{NS}polyline"))) == 1
    pyramid = parse(charts.age_pyramid([("0-4", 2, 3), ("60+", 0, 1)], title="Pyramide"))
    assert "0-4: F 2, M 3" in pyramid.find(f"{NS}desc").text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Femmes : 3"), ("en", "Women: 3"), ("ar", "نساء: 3")],
)
def test_bar_tooltips_are_punctuated_in_the_language(language, expected):
    with translation.override(language):
        svg = charts.bar_chart([("Oujda", {"women": 3})], title="t")
    assert [bar.find(f"{NS}title").text for bar in bars(svg)] == [expected]
