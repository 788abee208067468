"""Server-side SVG charts: one small component for the dashboard pages and the PDF bilan.

Every function returns a `SafeString` holding a self-contained `<svg>` (no script, no CDN,
no external font or stylesheet), so it can be inlined in HTML or handed to WeasyPrint.
All text is escaped. Each chart carries `role="img"`, a `<title>` and a `<desc>` listing its
figures, so screen readers (and anyone printing in black and white) get the numbers.

- `bar_chart(rows, series, title=…)`: stacked horizontal bars, one row per label — women /
  girls / men / boys per indicator, by partner, by city, AVRR returns by country.
- `line_chart(points, series, title=…)`: a monthly trend, one line per series.
- `age_pyramid(bands, title=…)`: females left, males right, one bar pair per age band.

`SEX_SERIES` and `SEX_BY_COUNTRY_SERIES` are the usual series with colours that stay
distinct for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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

FONT = "font-family:system-ui,'Segoe UI','Noto Sans','Noto Sans Arabic',sans-serif"


def _num(value) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)


def _svg(width: int, height: int, title, desc: str, body: list[str]) -> SafeString:
    """The chart inside an <svg> with its title printed on top (for print and PDF too)."""
    heading = 24
    return mark_safe(  # noqa: S308 - every piece of text below went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + heading}" '
        f'width="100%" role="img" aria-label="{escape(title)}" style="{FONT};font-size:12px;'
        f'max-width:{width}px">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        f'<text x="0" y="15" style="font-size:14px;font-weight:700">{escape(title)}</text>'
        f'<g transform="translate(0,{heading})">{"".join(body)}</g></svg>'
    )


def _legend(series, y: int, x0: int = 0) -> list[str]:
    parts, x = [], x0
    for _key, label, colour in series:
        text = escape(str(label))
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y}">{text}</text>'
        )
        x += 28 + 7 * len(str(label))
    return parts


def bar_chart(
    rows: Sequence[tuple[str, dict]],
    series: Sequence[tuple[str, str, str]] = SEX_SERIES,
    *,
    title: str,
    width: int = 640,
    label_width: int = 200,
) -> SafeString:
    """Stacked horizontal bars: `rows` is [(label, {series key: count})]."""
    bar, gap, top = 18, 8, 28
    height = top + len(rows) * (bar + gap) + 10
    plot = width - label_width - 60
    totals = [sum(v for v in values.values() if isinstance(v, int)) for _l, values in rows]
    biggest = max(totals, default=0) or 1
    body = _legend(series, 14)
    desc = []
    for i, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        y = top + i * (bar + gap)
        short = str(label) if len(str(label)) <= 32 else str(label)[:31] + "…"
        body.append(
            f'<text x="{label_width - 6}" y="{y + bar - 5}" text-anchor="end">'
            f"{escape(short)}</text>"
        )
        x = label_width
        for key, name, colour in series:
            value = values.get(key, 0)
            if not isinstance(value, int) or value <= 0:
                continue
            w = plot * value / biggest
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}">'
                f"<title>{escape(str(name))} : {_num(value)}</title></rect>"
            )
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + bar - 5}">{_num(total)}</text>')
        parts = ", ".join(f"{name} {_num(values.get(key, 0))}" for key, name, _c in series)
        desc.append(f"{label}: {parts}")
    return _svg(width, height, title, "; ".join(desc), body)


def line_chart(
    points: Sequence[tuple[str, dict]],
    series: Sequence[tuple[str, str, str]] = TOTAL_SERIES,
    *,
    title: str,
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """A trend: `points` is [(x label, {series key: value})], in order."""
    left, right, top, bottom = 48, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _l, d in points for k, _n, _c in series if isinstance(v := d.get(k, 0), int)]
    biggest = max(values, default=0) or 1
    step = plot_w / max(len(points) - 1, 1)
    body = _legend(series, 14, left)
    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#b8bfcc"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{_num(biggest)}</text>'
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>'
    )
    every = max(1, -(-len(points) // 8))  # at most 8 labels, so they never overlap
    for i, (label, _d) in enumerate(points):
        if i % every == 0:
            x = left + i * step
            body.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(str(label))}</text>"
            )
    desc = []
    for key, name, colour in series:
        coords = []
        for i, (_label, data) in enumerate(points):
            value = data.get(key, 0) if isinstance(data.get(key, 0), int) else 0
            coords.append(f"{left + i * step:.1f},{top + plot_h - plot_h * value / biggest:.1f}")
        if coords:
            body.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(coords)}"/>'
            )
            body += [
                f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="3" fill="{colour}"/>'
                for c in coords
            ]
        desc.append(
            f"{name}: " + ", ".join(f"{label} {_num(d.get(key, 0))}" for label, d in points)
        )
    return _svg(width, height, title, "; ".join(desc), body)


def age_pyramid(
    bands: Sequence[tuple[str, int, int]], *, title: str, width: int = 640
) -> SafeString:
    """Females left, males right: `bands` is [(band label, females, males)], youngest first
    (drawn youngest at the bottom)."""
    bar, gap, top = 18, 6, 28
    height = top + len(bands) * (bar + gap) + 24
    middle, label_w = width / 2, 56
    half = middle - label_w / 2 - 50
    biggest = max([max(f, m) for _b, f, m in bands], default=0) or 1
    female, male = SEX_BY_COUNTRY_SERIES[0][2], SEX_BY_COUNTRY_SERIES[1][2]
    body = _legend(SEX_BY_COUNTRY_SERIES[:2], 14)
    desc = []
    for i, (label, females, males) in enumerate(reversed(bands)):
        y = top + i * (bar + gap)
        fw, mw = half * females / biggest, half * males / biggest
        fx = middle - label_w / 2 - fw
        mx = middle + label_w / 2
        body.append(
            f'<rect x="{fx:.1f}" y="{y}" width="{fw:.1f}" height="{bar}" fill="{female}"/>'
            f'<text x="{fx - 4:.1f}" y="{y + bar - 5}" text-anchor="end">{_num(females)}</text>'
            f'<text x="{middle}" y="{y + bar - 5}" text-anchor="middle">{escape(label)}</text>'
            f'<rect x="{mx:.1f}" y="{y}" width="{mw:.1f}" height="{bar}" fill="{male}"/>'
            f'<text x="{mx + mw + 4:.1f}" y="{y + bar - 5}">{_num(males)}</text>'
        )
        desc.append(f"{label}: F {_num(females)}, M {_num(males)}")
    return _svg(width, height, title, "; ".join(desc), body)
