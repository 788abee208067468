"""Writes of the bilans app: request, generate and publish a bilan; the quarterly drafts.
(Closing and reopening a project's period are partners.services.period_close/period_reopen.)

Generation is safe to run twice (a Celery task redelivered after its worker died): the
snapshot row exists from the request (unique `request_id`), the files are written under
temporary names, and the figures, version number and final file names are committed in one
transaction that first checks the row is not already done.
"""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bilans.document import figures_checksum
from bilans.models import BilanSnapshot, SnapshotStatus, TaskState
from bilans.rendering import document_context, freeze_figures, render_files
from bilans.selectors import next_version
from core import clock
from core.audit import audit_log
from core.models import AuditEntry
from core.notifications import languages_of, notify
from partners.access import SYSTEM, require_acting_user
from partners.choices import Role
from partners.models import Project
from partners.permissions import require_officer
from reporting.facts import facts_check
from reporting.periods import Period, parse_period

logger = logging.getLogger(__name__)


def _enqueue(snapshot_id: int) -> None:
    from bilans.tasks import generate_bilan

    generate_bilan.delay(snapshot_id)


def enqueue_generation(snapshot_id: int) -> None:
    """Queue the generation task (replaced in tests that drive a real worker)."""
    _enqueue(snapshot_id)


@transaction.atomic
def bilan_request(
    *,
    project: Project,
    period: Period,
    acting_user,
    organisation=None,
    language: str = "fr",
    scheduled: bool = False,
    request_id: uuid.UUID | None = None,
) -> BilanSnapshot:
    """Ask for a new version of a bilan: a draft row now, its figures and files from the task.

    With `request_id` (the quarterly schedule derives it from the project and quarter) a
    second request with the same id returns the first one instead of a second bilan.
    """
    require_acting_user(acting_user)
    if acting_user is not SYSTEM:  # the quarterly schedule
        require_officer(acting_user)
    if language not in ("fr", "en", "ar"):
        raise ValidationError({"language": _("Langue inconnue.")})
    if organisation is not None and not project.partners.filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": _("Cette organisation n'est pas partenaire de ce projet.")}
        )
    if request_id is not None:
        existing = BilanSnapshot.objects.filter(request_id=request_id).first()
        if existing is not None:
            return existing
    snapshot = BilanSnapshot(
        request_id=request_id or uuid.uuid4(),
        project=project,
        start=period.start,
        end=period.end,
        organisation=organisation,
        language=language,
        scheduled=scheduled,
        requested_by=None if acting_user is SYSTEM else acting_user,
    )
    snapshot.full_clean(exclude=["version"])
    snapshot.save()
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.CREATE,
        instance=snapshot,
        changes={
            "project": [None, project.code],
            "start": [None, period.start.isoformat()],
            "end": [None, period.end.isoformat()],
            "organisation": [None, getattr(organisation, "slug", None)],
            "language": [None, language],
            "scheduled": [None, scheduled],
        },
    )
    # Robust: the request is saved whatever the task does. Without a broker the task runs
    # here, eagerly; if it fails it has marked the bilan failed, and the caller says so
    # instead of answering a 500 (the exception is logged).
    transaction.on_commit(lambda: enqueue_generation(snapshot.pk), robust=True)
    return snapshot


def _set_progress(snapshot_id: int, progress: int, **fields) -> None:
    BilanSnapshot.objects.filter(pk=snapshot_id).exclude(task_state=TaskState.DONE).update(
        progress=progress, **fields
    )


def _media_path(name: str) -> Path:
    return Path(default_storage.path(name))


def bilan_generate(*, snapshot_id: int) -> BilanSnapshot | None:
    """Compute, freeze and render one requested bilan; idempotent.

    Called by the Celery task with the snapshot id. A snapshot already done is returned as
    it is (a redelivered task does nothing). Otherwise the figures are computed, both files
    rendered to temporary names, then one transaction locks the project (versions of a
    series are numbered one at a time) and the row, gives the version, moves the files to
    their final names and stores everything. A worker killed before that commit leaves the
    row unfinished and no final file; the next delivery starts again.
    """
    snapshot = (
        BilanSnapshot.objects.select_related("project", "organisation")
        .filter(pk=snapshot_id)
        .first()
    )
    if snapshot is None or snapshot.task_state == TaskState.DONE:
        return snapshot
    BilanSnapshot.objects.filter(pk=snapshot_id).update(
        task_state=TaskState.RUNNING, progress=5, attempts=snapshot.attempts + 1, error=""
    )
    project = snapshot.project
    period = Period(snapshot.start, snapshot.end)
    figures = freeze_figures(project, period, organisation=snapshot.organisation)
    context = document_context(
        project, organisation=snapshot.organisation, language=snapshot.language
    )
    checksum = figures_checksum(figures)
    _set_progress(snapshot_id, 35)

    # The version is only known under the lock; it is printed in the PDF, so render with the
    # version the series would get now and re-render in the (rare) case another request of
    # the same series committed meanwhile.
    generated_at = clock.now()
    expected = next_version(snapshot)
    pdf_bytes, xlsx_bytes = render_files(
        figures=figures,
        context=context,
        language=snapshot.language,
        version=expected,
        checksum=checksum,
        generated_at=generated_at,
    )
    _set_progress(snapshot_id, 85)

    attempt = uuid.uuid4().hex[:8]
    tmp_dir = _media_path("bilans/tmp")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    # Leftovers of an earlier attempt whose worker was killed before cleaning up.
    for leftover in tmp_dir.glob(f"{snapshot.request_id}-*.part"):
        leftover.unlink(missing_ok=True)
    temporary = {
        "pdf": tmp_dir / f"{snapshot.request_id}-{attempt}.pdf.part",
        "xlsx": tmp_dir / f"{snapshot.request_id}-{attempt}.xlsx.part",
    }
    try:
        temporary["pdf"].write_bytes(pdf_bytes)
        temporary["xlsx"].write_bytes(xlsx_bytes)
        _set_progress(snapshot_id, 90)
        with transaction.atomic():
            Project.objects.select_for_update().filter(pk=project.pk).first()
            current = (
                BilanSnapshot.objects.select_for_update(of=("self",))
                .select_related("project", "organisation")
                .get(pk=snapshot_id)
            )
            if current.task_state == TaskState.DONE:
                return current
            version = next_version(current)
            if version != expected:
                pdf_bytes, xlsx_bytes = render_files(
                    figures=figures,
                    context=context,
                    language=current.language,
                    version=version,
                    checksum=checksum,
                    generated_at=generated_at,
                )
                temporary["pdf"].write_bytes(pdf_bytes)
                temporary["xlsx"].write_bytes(xlsx_bytes)
            current.version = version
            base = f"bilans/{project.code}/{current.file_basename()}"
            for kind in ("pdf", "xlsx"):
                name = f"{base}.{kind}"
                final = _media_path(name)
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temporary[kind], final)
                setattr(current, kind, name)
            current.figures = figures
            current.context = context
            current.checksum = checksum
            current.generated_at = generated_at
            current.task_state = TaskState.DONE
            current.progress = 100
            current.error = ""
            current.save()
            audit_log(
                actor=None,
                action=AuditEntry.Action.UPDATE,
                instance=current,
                changes={"generated": [None, version], "checksum": [None, checksum]},
            )
            return current
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)


def bilan_mark_failed(*, snapshot_id: int, error: str) -> None:
    """The task gave up: say so on the row (the officer can request the bilan again)."""
    BilanSnapshot.objects.filter(pk=snapshot_id).exclude(task_state=TaskState.DONE).update(
        task_state=TaskState.FAILED, error=error[:2000]
    )


@transaction.atomic
def bilan_publish(*, snapshot: BilanSnapshot, acting_user) -> BilanSnapshot:
    """An IOM officer publishes a reviewed draft: donors can then download it. A published
    bilan never changes again (corrections make a new version)."""
    require_officer(acting_user)
    current = BilanSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if current.status == SnapshotStatus.PUBLISHED:
        raise ValidationError(_("Ce bilan est déjà publié."))
    if current.task_state != TaskState.DONE:
        raise ValidationError(_("Ce bilan n'est pas encore généré : il ne peut pas être publié."))
    current.status = SnapshotStatus.PUBLISHED
    current.published_by = acting_user
    current.published_at = clock.now()
    current.save(update_fields=["status", "published_by", "published_at"])
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.UPDATE,
        instance=current,
        changes={"status": [SnapshotStatus.DRAFT, SnapshotStatus.PUBLISHED]},
    )
    return current


def previous_quarter(today: datetime.date) -> tuple[str, Period]:
    """The calendar quarter before the one `today` is in, as (`2023-Q2`, period)."""
    quarter = (today.month - 1) // 3
    year = today.year if quarter else today.year - 1
    label = f"{year}-Q{quarter or 4}"
    return label, parse_period(label)


def bilan_schedule_quarterly(*, today: datetime.date | None = None) -> list[BilanSnapshot]:
    """Draft bilans of the quarter just ended for every project active in it, and one notice
    per IOM officer. Safe to run again: the request ids derive from project and quarter."""
    today = today or clock.today()
    label, period = previous_quarter(today)
    projects = Project.objects.filter(start__lte=period.end, end__gte=period.start).order_by("code")
    drafts = []
    with transaction.atomic():
        for project in projects:
            request_id = uuid.uuid5(
                uuid.NAMESPACE_URL, f"iom-cases:bilan:{project.code}:{label}:fr"
            )
            drafts.append(
                bilan_request(
                    project=project,
                    period=period,
                    acting_user=SYSTEM,
                    scheduled=True,
                    request_id=request_id,
                )
            )
        if drafts:
            _notify_officers(
                key=f"quarterly-drafts:{label}",
                message=lambda: (
                    ngettext(
                        "Le bilan du trimestre %(quarter)s est en préparation pour %(counter)s "
                        "projet : relisez-le puis publiez-le.",
                        "Les bilans du trimestre %(quarter)s sont en préparation pour %(counter)s "
                        "projets : relisez-les puis publiez-les.",
                        len(drafts),
                    )
                    % {"quarter": label, "counter": len(drafts)}
                ),
                link=reverse("bilans:list"),
            )
    return drafts


def bilan_check_facts() -> bool:
    """The daily guard on the figures donors get: compare the reporting engine's fact table
    with its definition. On any difference, log an error and tell the IOM officers (once a
    day) to rebuild it before publishing. Returns whether the table is in sync."""
    drift = facts_check()
    if drift.ok:
        return True
    logger.error(
        "reporting_fact out of sync: %s missing or wrong, %s unexpected",
        drift.missing,
        drift.unexpected,
    )
    _notify_officers(
        key=f"facts-drift:{clock.today().isoformat()}",
        message=lambda: (
            _(
                "Les chiffres des rapports ne correspondent plus aux assistances enregistrées "
                "(%(missing)s, %(unexpected)s). Ne publiez aucun bilan avant que l'équipe "
                "technique ait lancé « manage.py reporting_facts --rebuild »."
            )
            % drift.described()
        ),
    )
    return False


def _notify_officers(*, key: str, message: Callable[[], str], link: str = "") -> None:
    """Tell every active IOM officer, once per key, each in their own language (`message`
    is called under it)."""
    officers = list(
        get_user_model().objects.filter(
            is_active=True,
            membership__role=Role.IOM_OFFICER,
            membership__is_active=True,
        )
    )
    languages = languages_of([officer.pk for officer in officers])
    for officer in officers:
        with translation.override(languages[officer.pk]):
            text = message()
        notify(user=officer, key=key, message=text, link=link)


__all__ = [
    "bilan_check_facts",
    "bilan_generate",
    "bilan_mark_failed",
    "bilan_publish",
    "bilan_request",
    "bilan_schedule_quarterly",
]
