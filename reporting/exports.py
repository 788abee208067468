"""Exports of an indicator table: CSV with an HXL hashtag row, and XLSX.

Every text cell goes through the formula guard of core.spreadsheets (`neutralise`): one that
a spreadsheet could read as a formula is prefixed with an apostrophe, so it stays text.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from core.spreadsheets import neutralise
from reporting.engine import SEX_CLASSES

HXL = {
    "project": "#activity+project+code",
    "start": "#date+start",
    "end": "#date+end",
    "sector": "#sector",
    "code": "#indicator+code",
    "label": "#indicator+name",
    "unit": "#indicator+unit",
    "total": "#affected+total",
    "women": "#affected+f+adults",
    "girls": "#affected+f+children",
    "men": "#affected+m+adults",
    "boys": "#affected+m+children",
    "unknown": "#affected+unknown",
    # Case indicators of the unit `days`: the median days, the counts being closures.
    "median": "#indicator+value+median",
}


def table(results: dict, *, project_code: str, start, end) -> tuple[list[str], list[str], list]:
    """(header, HXL hashtags, rows) of the indicator table."""
    columns = list(HXL)
    header = [
        _("Projet"), _("Début"), _("Fin"), _("Secteur"), _("Code"), _("Indicateur"), _("Unité"),
        _("Total"), _("Femmes"), _("Filles"), _("Hommes"), _("Garçons"), _("Inconnu"),
        _("Médiane (jours)"),
    ]  # fmt: skip
    rows = []
    for code, result in results.items():
        indicator = result.indicator
        values = {
            "project": project_code,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "sector": ";".join(indicator.categories)
            or ("cases" if indicator.counts_cases else "all"),
            "code": code,
            "label": indicator.label(),
            "unit": indicator.unit,
            "total": result.total,
            **{name: getattr(result, name) for name in SEX_CLASSES},
            "median": "" if result.median is None else result.median,
        }
        rows.append([neutralise(values[c]) for c in columns])
    return header, [HXL[c] for c in columns], rows


def to_csv(header, hashtags, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    writer.writerow(hashtags)
    writer.writerows(rows)
    # A BOM so Excel opens the UTF-8 file with its accents and Arabic intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header, hashtags, rows, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([neutralise(h) for h in header])
    sheet.append(hashtags)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    for column, width in zip("ABCDEFGHIJKLMN", (12, 11, 11, 16, 28, 48, 9), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
