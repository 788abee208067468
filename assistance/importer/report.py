"""What an import tells its user: the errors by row and column, the counts and the first rows,
as the pages, the API, the command and the batch keep them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import ngettext

PREVIEW_ROWS = 10
# A report keeps the first errors in row order, and counts them all: a file with a million
# bad rows gives a report of the same size as one with a thousand.
ERRORS_KEPT = 1000


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def errors_summary(total: int, kept: int) -> str:
    """The sentence « 1 000 premières erreurs sur 4 321 » when only the first `kept` of `total`
    errors were kept (the report, the pages, the API and the command say it alike), else ""."""
    if total <= kept:
        return ""
    return ngettext(
        "%(kept)s première erreur sur %(total)s",
        "%(kept)s premières erreurs sur %(total)s",
        kept,
    ) % {
        "kept": number_format(kept, force_grouping=True),
        "total": number_format(total, force_grouping=True),
    }


@dataclass
class Report:
    """What an import found (dry run) or did: counts, the first rows, the first
    `ERRORS_KEPT` errors in row order and how many there were in all."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def errors_summary(self) -> str:
        return errors_summary(self.error_count, len(self.errors))

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "ok": self.ok,
            "written": self.written,
            "counts": self.counts,
            "error_count": self.error_count,
            "errors_summary": self.errors_summary,
            "errors": [e.as_dict() for e in self.errors],
            "ignored_columns": self.ignored_columns,
            "preview": self.preview,
        }


def clip(value) -> str:
    """A cell's text as a report shows it: 80 characters at most."""
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
