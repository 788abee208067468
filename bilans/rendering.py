"""Turning a project's or the mission's figures into the bilan files (PDF, XLSX), for the
snapshots of the services and for `manage.py bilan --format pdf|xlsx`.

A snapshot's frozen context says which document it is (`"scope": "mission"` for the
mission's); `snapshot_document` and `render_files` choose the builder from it."""

from __future__ import annotations

from django.utils import translation

from assistance.choices import SUBTYPE_LABELS
from bilans.document import build_context, build_document, figures_checksum
from bilans.mission import build_mission_document, mission_context
from core import clock
from partners.models import Project
from reporting.engine import bilan as engine_bilan
from reporting.engine import mission_bilan
from reporting.models import Indicator
from reporting.periods import Period
from reporting.suppression import suppress_bilan
from results.selectors import frozen_targets

FORMATS = ("pdf", "xlsx")


def freeze_figures(project: Project, period: Period, *, organisation=None) -> dict:
    """The bilan JSON as donors receive it: small cells hidden with the project's k; with the
    project's targets and what was achieved against them, when it has any."""
    data = engine_bilan(project, period, organisation=organisation)
    data = suppress_bilan(data, project.small_cell_threshold)
    return with_targets(data, project, period, organisation=organisation,
                        k=project.small_cell_threshold)  # fmt: skip


def with_targets(data: dict, project: Project, period: Period, *, organisation=None, k=0) -> dict:
    """`data` with `"targets"` (results.selectors.frozen_targets) when the project has any:
    frozen in the snapshot's figures (and its checksum), so a published bilan never changes
    when a target is edited afterwards."""
    targets = frozen_targets(project, period, organisation=organisation, k=k)
    if targets:
        data["targets"] = targets
    return data


def document_context(project: Project, *, organisation, language: str) -> dict:
    with translation.override(language):
        subtypes = {code: str(label) for code, label in SUBTYPE_LABELS.items()}
    return build_context(
        project,
        organisation=organisation,
        language=language,
        indicators=list(Indicator.objects.active()),
        subtype_labels=subtypes,
    )


def freeze_mission_figures(period: Period) -> dict:
    """The mission bilan JSON as frozen in a snapshot: every assistance of every project and
    of none. Not suppressed: the mission's bilan is for IOM staff only (DESIGN.md §9)."""
    return mission_bilan(period)


def is_mission_context(context: dict) -> bool:
    return context.get("scope") == "mission"


def snapshot_document(*, figures: dict, context: dict, language: str, version, checksum: str,
                      generated_at):  # fmt: skip
    """The document (a project's or the mission's, as the context says) of frozen figures."""
    build = build_mission_document if is_mission_context(context) else build_document
    return build(
        figures=figures,
        context=context,
        language=language,
        version=version,
        checksum=checksum,
        generated_at=generated_at,
    )


def render_files(*, figures: dict, context: dict, language: str, version, checksum: str,
                 generated_at) -> tuple[bytes, bytes]:  # fmt: skip
    """The PDF and XLSX bytes of one set of frozen figures."""
    from bilans.pdf import render_pdf
    from bilans.xlsx import render_xlsx

    doc = snapshot_document(
        figures=figures,
        context=context,
        language=language,
        version=version,
        checksum=checksum,
        generated_at=generated_at,
    )
    return render_pdf(doc), render_xlsx(doc)


def render_bilan(project: Project, period: Period, *, organisation=None, language: str = "fr",
                 fmt: str = "pdf", raw: bool = False) -> bytes:  # fmt: skip
    """One bilan file computed now (not a snapshot: no version number is printed).

    `raw` skips small-cell suppression (IOM internal use only, never for a donor).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if raw:
        figures = with_targets(engine_bilan(project, period, organisation=organisation),
                               project, period, organisation=organisation)  # fmt: skip
    else:
        figures = freeze_figures(project, period, organisation=organisation)
    context = document_context(project, organisation=organisation, language=language)
    doc = build_document(
        figures=figures,
        context=context,
        language=language,
        version=None,
        checksum=figures_checksum(figures),
        generated_at=clock.now(),
    )
    if fmt == "pdf":
        from bilans.pdf import render_pdf

        return render_pdf(doc)
    from bilans.xlsx import render_xlsx

    return render_xlsx(doc)


def render_mission_bilan(period: Period, *, language: str = "fr", fmt: str = "pdf") -> bytes:
    """The mission's bilan file computed now (not a snapshot: no version number printed)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    figures = freeze_mission_figures(period)
    doc = build_mission_document(
        figures=figures,
        context=mission_context(period, figures, language=language),
        language=language,
        version=None,
        checksum=figures_checksum(figures),
        generated_at=clock.now(),
    )
    if fmt == "pdf":
        from bilans.pdf import render_pdf

        return render_pdf(doc)
    from bilans.xlsx import render_xlsx

    return render_xlsx(doc)
