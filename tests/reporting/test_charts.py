"""The SVG chart component: well-formed, escaped, accessible, and drawing the figures."""

import xml.etree.ElementTree as ET

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


def test_bar_chart_tolerates_suppressed_and_empty_values():
    parse(charts.bar_chart([("x", {"women": "<5", "men": 0})], title="t"))
    parse(charts.bar_chart([], title="vide"))


def test_line_chart_and_pyramid():
    root = parse(
        charts.line_chart([("jan", {"total": 1}), ("fév", {"total": 4})], title="Tendance")
    )
    assert len(list(root.iter(f"{NS}polyline"))) == 1
    pyramid = parse(charts.age_pyramid([("0-4", 2, 3), ("60+", 0, 1)], title="Pyramide"))
    assert "0-4: F 2, M 3" in pyramid.find(f"{NS}desc").text
