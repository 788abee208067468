"""Server-side SVG charts: one small component for the dashboard pages and the PDF bilan.

Every function returns a `SafeString` holding a self-contained `<svg>` (no script, no CDN,
no external font or stylesheet), so it can be inlined in HTML or handed to WeasyPrint.
All text is escaped. Each chart carries `role="img"`, a `<title>` and a `<desc>` listing its
figures, so screen readers (and anyone printing in black and white) get the numbers.

- `bar_chart(rows, series, title=…)`: stacked horizontal bars, one row per label — women /
  girls / men / boys per indicator, by partner, by city, AVRR returns by country.
- `line_chart(points, series, title=…)`: a monthly trend, one line per series.
- `age_pyramid(bands, title=…)`: females left, males right, one bar pair per age band.

A chart with no figure to draw says so ("Aucune donnée sur la période.") instead of drawing
empty axes. `rtl=True` mirrors a chart for a right-to-left page (labels on the right, bars
growing leftwards); the `<svg>` states its own direction, so the page's does not flip its text
anchors. `visual` is for renderers without bidi (WeasyPrint draws SVG text glyph by glyph):
a function giving each line of text in visual order (see bilans.pdf).

`SEX_SERIES` and `SEX_BY_COUNTRY_SERIES` are the usual series with colours that stay
distinct for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# (key, label, colour) — Okabe-Ito palette.
SEX_SERIES = [
    ("women", _("Femmes"), "#D55E00"),
    ("girls", _("Filles"), "#E69F00"),
    ("men", _("Hommes"), "#0072B2"),
    ("boys", _("Garçons"), "#56B4E9"),
    ("unknown", _("Inconnu"), "#999999"),
]
SEX_BY_COUNTRY_SERIES = [
    ("F", _("Femmes et filles"), "#D55E00"),
    ("M", _("Hommes et garçons"), "#0072B2"),
    ("unknown", _("Sexe inconnu"), "#999999"),
]
TOTAL_SERIES = [("total", _("Total"), "#0033A0")]
NO_DATA = _("Aucune donnée sur la période.")

FONT_FAMILY = "system-ui,'Segoe UI','Noto Sans','Noto Sans Arabic',sans-serif"
LINE_HEIGHT = 14  # px, for 12px text
CHAR_WIDTH = 6.5  # px, an average 12px character (to wrap labels before they overflow)


def _num(value) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)


def _wrap(text: str, width: float) -> list[str]:
    """`text` in lines that fit `width` pixels, broken between words: a label is never cut."""
    chars = max(8, int(width / CHAR_WIDTH))
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class _Canvas:
    """Draws in left-to-right coordinates; a right-to-left chart mirrors them (x → width − x).

    Text is placed by the physical edge that sits at x ("left", "right" or "middle"), turned
    into the `text-anchor` its direction needs (start/end are relative to the text direction).
    """

    def __init__(self, width: int, *, rtl: bool, visual: Callable[[str], str] | None):
        self.width = width
        self.mirror = rtl
        # Text already in visual order is laid out left to right; otherwise the svg takes the
        # chart's direction so a browser orders right-to-left text (and its punctuation) itself.
        self.direction = "rtl" if rtl and visual is None else "ltr"
        self.visual = visual or (lambda text: text)

    def x(self, x: float) -> float:
        return self.width - x if self.mirror else x

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
        left = self.width - x - w if self.mirror else x
        inner = f"<title>{escape(tip)}</title>" if tip else ""
        return (
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}" fill="{fill}">'
            f"{inner}</rect>"
        )

    def text(self, x: float, y: float, text, *, edge: str = "left", attrs: str = "",
             words: bool = True) -> str:  # fmt: skip
        """`text` with its `edge` at (x, y); `words` is False for figures (never reordered).
        `attrs`: presentation attributes (`fill="…"`), never a style attribute (see _svg)."""
        if self.mirror and edge != "middle":
            edge = "right" if edge == "left" else "left"
        if edge == "middle":
            anchor = "middle"
        elif (edge == "left") == (self.direction == "ltr"):
            anchor = "start"
        else:
            anchor = "end"
        shown = self.visual(str(text)) if words else str(text)
        attrs = f" {attrs}" if attrs else ""
        return (
            f'<text x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{anchor}"{attrs}>'
            f"{escape(shown)}</text>"
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
        return (
            f'<line x1="{self.x(x1):.1f}" y1="{y1}" x2="{self.x(x2):.1f}" y2="{y2}" '
            f'stroke="{stroke}"/>'
        )


def _svg(canvas: _Canvas, height: float, title, desc: str, body: list[str]) -> SafeString:
    """The chart inside an <svg> with its title printed on top (for print and PDF too).

    Fonts and colours are presentation attributes, not `style="…"`: the pages'
    Content-Security-Policy refuses inline styles, and these are not styles to it. The svg
    says its natural width; the stylesheets keep it within the page (max-width: 100%)."""
    heading = 24
    width = canvas.width
    # Bandit B308/B703: every piece of text below went through escape(); numbers are numbers.
    return mark_safe(  # noqa: S308 # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + heading:.0f}" '
        f'width="{width}" role="img" aria-label="{escape(title)}" direction="{canvas.direction}" '
        f'font-family="{FONT_FAMILY}" font-size="12px">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        + canvas.text(0, 15, title, attrs='font-size="14px" font-weight="700"')
        + f'<g transform="translate(0,{heading})">{"".join(body)}</g></svg>'
    )


def _empty(canvas: _Canvas, title, message) -> SafeString:
    """A chart with nothing to draw: its title and the message, in place of empty axes."""
    message = message or NO_DATA
    body = [canvas.text(canvas.width / 2, 28, message, edge="middle", attrs='fill="#5b6770"')]
    return _svg(canvas, 44, title, str(message), body)


def _legend(canvas: _Canvas, series, y: int, x0: float = 0) -> list[str]:
    parts, x = [], x0
    for _key, label, colour in series:
        parts.append(canvas.rect(x, y - 9, 10, 10, colour))
        parts.append(canvas.text(x + 14, y, label))
        x += 28 + 7 * len(str(label))
    return parts


def _end_label(values: dict, keys: Sequence[str]) -> str:
    """The figure printed after a bar: the given total, else the sum of the series, with any
    hidden counts ("<5", "x") shown as they are rather than silently left out."""
    if "total" in values and "total" not in keys:
        return _num(values["total"])
    known = sum(v for k in keys if isinstance(v := values.get(k, 0), int))
    hidden = [str(v) for k in keys if not isinstance(v := values.get(k, 0), int)]
    if not hidden:
        return _num(known)
    return " + ".join(([_num(known)] if known else []) + hidden)


def bar_chart(
    rows: Sequence[tuple[str, dict]],
    series: Sequence[tuple[str, str, str]] = SEX_SERIES,
    *,
    title: str,
    width: int = 640,
    label_width: int = 200,
    rtl: bool = False,
    visual: Callable[[str], str] | None = None,
    empty: str | None = None,
) -> SafeString:
    """Stacked horizontal bars: `rows` is [(label, {series key: count})].

    A count may be hidden by small-cell protection (a string such as "<5" or "x"): it draws
    no bar and is printed after the bar. That figure is `values["total"]` when given (the
    published total), else the sum of the series. Labels wrap over as many lines as they need.
    Without any non-zero or hidden count, the chart says `empty` (or "no data") instead.
    """
    keys = [key for key, _n, _c in series]
    canvas = _Canvas(width, rtl=rtl, visual=visual)

    def shown(value) -> bool:
        return not isinstance(value, int) or value > 0

    if not any(shown(values.get(key, 0)) for _l, values in rows for key in keys):
        return _empty(canvas, title, empty)
    bar, gap, top = 18, 8, 28
    plot = width - label_width - 60
    lengths = [
        sum(v for k in keys if isinstance(v := values.get(k, 0), int)) for _l, values in rows
    ]
    biggest = max(lengths, default=0) or 1
    body = _legend(canvas, series, 14)
    desc = []
    y = top
    for label, values in rows:
        lines = _wrap(label, label_width - 12)
        row = max(bar, len(lines) * LINE_HEIGHT)
        first = y + (row - len(lines) * LINE_HEIGHT) / 2 + 11
        for i, line in enumerate(lines):
            body.append(canvas.text(label_width - 6, first + i * LINE_HEIGHT, line, edge="right"))
        bar_y = y + (row - bar) / 2
        x = label_width
        for key, name, colour in series:
            value = values.get(key, 0)
            if not isinstance(value, int) or value <= 0:
                continue
            w = plot * value / biggest
            tip = gettext("%(label)s : %(value)s") % {"label": name, "value": _num(value)}
            body.append(canvas.rect(x, bar_y, w, bar, colour, tip))
            x += w
        body.append(canvas.text(x + 4, bar_y + bar - 5, _end_label(values, keys), words=False))
        parts = ", ".join(f"{name} {_num(values.get(key, 0))}" for key, name, _c in series)
        desc.append(f"{label}: {parts}")
        y += row + gap
    return _svg(canvas, y + 10 - gap, title, "; ".join(desc), body)


def line_chart(
    points: Sequence[tuple[str, dict]],
    series: Sequence[tuple[str, str, str]] = TOTAL_SERIES,
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    rtl: bool = False,
    empty: str | None = None,
) -> SafeString:
    """A trend: `points` is [(x label, {series key: value})], in order (drawn from the start
    edge: right to left when `rtl`). Without points or with nothing but zeros, the chart says
    `empty` (or "no data") instead."""
    canvas = _Canvas(width, rtl=rtl, visual=None)
    values = [v for _l, d in points for k, _n, _c in series if isinstance(v := d.get(k, 0), int)]
    if not any(values):
        return _empty(canvas, title, empty)
    left, right, top, bottom = 48, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max(values, default=0) or 1
    step = plot_w / max(len(points) - 1, 1)
    body = _legend(canvas, series, 14, left)
    body += [
        canvas.line(left, top + plot_h, left + plot_w, top + plot_h, "#b8bfcc"),
        canvas.text(left - 6, top + 4, _num(biggest), edge="right", words=False),
        canvas.text(left - 6, top + plot_h, "0", edge="right", words=False),
    ]
    every = max(1, -(-len(points) // 8))  # at most 8 labels, so they never overlap
    for i, (label, _d) in enumerate(points):
        if i % every == 0:
            x, half = left + i * step, len(str(label)) * CHAR_WIDTH / 2
            # Centred under its point, unless that would run off the chart's edge.
            edge = "left" if x - half < 0 else "right" if x + half > width else "middle"
            body.append(canvas.text(x, height - bottom + 16, label, edge=edge))
    desc = []
    for key, name, colour in series:
        coords = []
        for i, (_label, data) in enumerate(points):
            value = data.get(key, 0) if isinstance(data.get(key, 0), int) else 0
            coords.append((canvas.x(left + i * step), top + plot_h - plot_h * value / biggest))
        if coords:
            body.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}"/>'
            )
            body += [
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in coords
            ]
        desc.append(
            f"{name}: " + ", ".join(f"{label} {_num(d.get(key, 0))}" for label, d in points)
        )
    return _svg(canvas, height, title, "; ".join(desc), body)


def age_pyramid(
    bands: Sequence[tuple[str, int, int]],
    *,
    title: str,
    width: int = 640,
    rtl: bool = False,
    empty: str | None = None,
) -> SafeString:
    """Females on the start side, males on the other: `bands` is [(band label, females,
    males)], youngest first (drawn youngest at the bottom). All zeros: says `empty`."""
    canvas = _Canvas(width, rtl=rtl, visual=None)
    if not any(f or m for _b, f, m in bands):
        return _empty(canvas, title, empty)
    bar, gap, top = 18, 6, 28
    height = top + len(bands) * (bar + gap) + 24
    middle, label_w = width / 2, 56
    half = middle - label_w / 2 - 50
    biggest = max([max(f, m) for _b, f, m in bands], default=0) or 1
    female, male = SEX_BY_COUNTRY_SERIES[0][2], SEX_BY_COUNTRY_SERIES[1][2]
    body = _legend(canvas, SEX_BY_COUNTRY_SERIES[:2], 14)
    desc = []
    for i, (label, females, males) in enumerate(reversed(bands)):
        y = top + i * (bar + gap)
        fw, mw = half * females / biggest, half * males / biggest
        fx = middle - label_w / 2 - fw
        mx = middle + label_w / 2
        body += [
            canvas.rect(fx, y, fw, bar, female),
            canvas.text(fx - 4, y + bar - 5, _num(females), edge="right", words=False),
            canvas.text(middle, y + bar - 5, label, edge="middle", words=False),
            canvas.rect(mx, y, mw, bar, male),
            canvas.text(mx + mw + 4, y + bar - 5, _num(males), words=False),
        ]
        desc.append(f"{label}: F {_num(females)}, M {_num(males)}")
    return _svg(canvas, height, title, "; ".join(desc), body)
