"""The import itself: a file's rows to a plan, then to the database, whole or not at all.

The plan (values, checks): every cell read by its column's reader, every row validated by the
models' own rules (`full_clean()`, exactly as the batch services `beneficiary_register_many`
and `assistance_record_many` do) and by the rules layer the services call (assistance.rules:
merged records, project partnership, closed periods), in Python, against lookups loaded once
per batch of refs: the number of queries grows with batches of rows, never with rows.
Nothing is written unless every row is good; the writes (below) are bulk updates and COPY
inserts, audited like any other write, in one transaction held under a per-organisation lock.
"""

from __future__ import annotations

import datetime
import functools
import gc
import io
import json
import queue
import threading

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import rules
from assistance.importer import checks, values
from assistance.importer.plan import Plan, Progress
from assistance.importer.report import ERRORS_KEPT, PREVIEW_ROWS, Report, clip
from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from core.audit import diff, plain, snapshot
from core.models import AuditEntry
from partners.access import SYSTEM, require_acting_user
from partners.models import Project
from partners.permissions import acting_organisation_id

# Run an import; read its report (which keeps the first ERRORS_KEPT errors).
__all__ = ["ERRORS_KEPT", "Report", "run_import"]

WRITE_BATCH = 2000
COPY_BATCH = 20000
# COPY statements run (the benchmark adds them to the queries it counts).
COPY_STATEMENTS = [0]


def run_import(
    *,
    content: bytes,
    filename: str,
    organisation,
    acting_user,
    project: Project | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Validate the file, and unless `dry_run` or any row is bad, write it whole.

    `acting_user` SYSTEM is the operator at the command line (trusted, audited as nobody);
    a user's rights are those of the services: partner staff write only for their own
    organisation, with the projects they can see. None is refused (TypeError).
    """
    require_acting_user(acting_user)
    if acting_user is not SYSTEM:
        acting_organisation_id(acting_user, organisation)
    progress = progress or (lambda fraction: None)
    # Hundreds of thousands of short-lived objects and no reference cycles worth collecting:
    # the cyclic collector would rescan the growing heap again and again. Back on at the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(content, filename, organisation, acting_user, project, dry_run, progress)
    finally:
        if collecting:
            gc.enable()


def _run(content, filename, organisation, acting_user, project, dry_run, progress) -> Report:
    if dry_run:
        return _plan(content, filename, organisation, acting_user, project, progress).report
    with transaction.atomic():
        # Two imports into the same organisation run one after the other: the second sees
        # the first's people and refs, so the key (organisation, ref) stays unique.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7007, organisation.pk])
        plan = _plan(content, filename, organisation, acting_user, project, progress)
        if plan.report.ok:
            try:
                with transaction.atomic():
                    _write(plan, organisation, acting_user, progress)
            except IntegrityError:
                # A record written meanwhile by another page (the same reference): nothing of
                # the file is kept; running the import again takes it into account.
                plan.error(
                    None,
                    "",
                    "",
                    _(
                        "Une fiche ou une assistance de ce fichier vient d'être enregistrée par "
                        "ailleurs : rien n'a été importé, relancez l'import."
                    ),
                )
            else:
                plan.report.written = True
        return plan.report


# --- Planning -------------------------------------------------------------------------------


def _plan(content, filename, organisation, acting_user, default_project, progress) -> Plan:
    """The file to a plan: its cells (values.read_cells), their values (values.convert), the
    people and assistances built and checked, then matched to what is recorded (checks)."""
    plan = Plan()
    cells = values.read_cells(plan, content, filename)
    if cells is None:
        return plan
    plan.report.rows = len(cells)
    if not cells:
        plan.error(2, "", "", _("Le fichier ne contient aucune ligne de données."))
        return plan
    plan.report.preview = [
        {"row": number, **{name: clip(value) for name, value in row.items()}}
        for number, row in cells[:PREVIEW_ROWS]
    ]
    progress(0.05)
    names = values.Names(acting_user, default_project)
    lookups = rules.Lookups.load(projects=names.projects.values(), providers=[organisation])
    rows = [values.convert(plan, names, number, row) for number, row in cells]
    progress(0.2)
    recorded = checks.Recorded()
    recorded.load_people(organisation, list(plan.persons))
    checks.build_people(plan, organisation, acting_user, recorded)
    progress(0.3)
    recorded.load_assistances(organisation, rows, plan.persons)
    checks.build_assistances(plan, organisation, acting_user, lookups, recorded, rows, progress)
    plan.keep_first_errors()
    plan.report.counts = checks.counts(plan, recorded)
    return plan


# --- Writing --------------------------------------------------------------------------------


def _write(plan: Plan, organisation, acting_user, progress: Progress) -> None:
    now = timezone.now()
    actor_id = getattr(acting_user, "pk", None)
    create, update = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE
    audit: list[tuple] = []  # rows of AUDIT_COLUMNS, written by COPY at the end
    new_people = [p.instance for p in plan.persons.values() if p.before is None]
    changed_people = [(p.instance, p.changes) for p in plan.persons.values() if p.changes]
    # Updates first (ordinary queries), then every insert through one COPY pipeline.
    if changed_people:
        names = sorted({name for _b, changes in changed_people for name in changes})
        for person, changes in changed_people:
            person.version += 1
            person.updated_at = now
            audit.append(_audit_row(now, actor_id, update, person, changes))
        Beneficiary.objects.bulk_update(
            [b for b, _c in changed_people],
            [*names, "version", "updated_at"],
            batch_size=WRITE_BATCH,
        )
    if plan.updated_assistances:
        names = sorted({name for _a, changes in plan.updated_assistances for name in changes})
        for current, changes in plan.updated_assistances:
            before = snapshot(current)
            for name, value in changes.items():
                setattr(current, name, value)
            current.version += 1
            current.updated_at = now
            audit.append(
                _audit_row(now, actor_id, update, current, diff(before, snapshot(current)))
            )
        Assistance.objects.bulk_update(
            [a for a, _c in plan.updated_assistances],
            [*names, "version", "updated_at"],
            batch_size=WRITE_BATCH,
        )
    for person in new_people:
        person.pk = None
    reserve_ids(Beneficiary, new_people)
    reserve_ids(Assistance, plan.new_assistances)
    for assistance in plan.new_assistances:
        assistance.beneficiary_id = assistance.beneficiary.pk
    with _CopyPipeline() as pipeline:
        copy_create(Beneficiary, new_people, now, pipeline)
        progress(0.7)
        audit.extend(_audit_row(now, actor_id, create, b, _snapshot(b)) for b in new_people)
        copy_create(Assistance, plan.new_assistances, now, pipeline)
        progress(0.85)
        audit.extend(
            _audit_row(now, actor_id, create, a, _snapshot(a)) for a in plan.new_assistances
        )
        copy_rows(AuditEntry._meta.db_table, AUDIT_COLUMNS, audit, pipeline)
    progress(1.0)


# The audit trail's columns as written by an import (the id comes from the table's identity).
AUDIT_COLUMNS = ("at", "actor_id", "action", "model", "object_id", "changes")


def _audit_row(now, actor_id, action, instance, changes) -> tuple:
    """One AuditEntry, as core.audit writes it (who, when, what), as a row for COPY."""
    return (now, actor_id, action, instance._meta.label_lower, str(instance.pk), changes)


def _snapshot(instance) -> dict:
    """core.audit.snapshot's fields; dates and decimals become the same JSON text when the row
    is written (`json.dumps(default=core.audit.plain)` in `_copy_text`)."""
    values = instance.__dict__
    return {name: values[name] for name in _audited_attnames(type(instance))}


@functools.cache
def _audited_attnames(model) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in {"created_at", "updated_at", "version"}
    )


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return _copy_escape(value)
        return value
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # also datetimes (aware, ISO with offset)
        return value.isoformat()
    if kind is dict:
        return _copy_escape(json.dumps(value, ensure_ascii=False, default=plain))
    if kind is list:
        # Postgres array literal of simple codes (vulnerabilities): no quoting needed.
        return _copy_escape("{" + ",".join(value) + "}")
    return _copy_escape(str(value))


def _copy_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


class _CopyPipeline:
    """COPY buffers sent by a worker thread while this thread prepares the next ones, so the
    database's work overlaps Python's. Same connection, same transaction: psycopg2 serialises
    any other use of the connection meanwhile (a query simply waits for the COPY under way).

    The thread never outlives the block: on leaving it, however (an error, the time limit
    raised while waiting for the thread), the thread is stopped and waited for before the
    transaction can roll back, so no COPY of it runs after the rollback, outside any
    transaction, writing part of a file.
    """

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.stopped = False
        self.copying = False
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def _run(self) -> None:
        with self.raw.cursor() as cursor:
            while (item := self.queue.get()) is not None:
                if self.error is None and not self.stopped:
                    self.copying = True
                    try:
                        cursor.copy_expert(*item)
                    except BaseException as exc:  # re-raised in the calling thread
                        self.error = exc
                    finally:
                        self.copying = False

    def put(self, statement: str, buffer: io.StringIO) -> None:
        self.queue.put((statement, buffer))

    def __exit__(self, exc_type, exc, tb):
        try:
            self.queue.put(None)
            self.thread.join()
        except BaseException:
            self._stop()  # interrupted while waiting (the soft time limit): stop it first
            raise
        if self.error is not None and exc is None:
            with connection.wrap_database_errors:  # psycopg2's errors as Django's
                raise self.error

    def _stop(self) -> None:
        """Skip what is queued, cancel the COPY under way, and wait for the thread to end."""
        self.stopped = True
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self.queue.put(None)
        if self.copying:
            self.raw.cancel()  # psycopg2: callable from another thread; ignored when idle
        self.thread.join()


def copy_rows(table: str, columns, rows, pipeline: _CopyPipeline | None = None) -> None:
    """COPY `rows` (tuples of Python values, in `columns` order) into `table`, through
    `pipeline` when given."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    for start in range(0, len(rows), COPY_BATCH):
        buffer = io.StringIO()
        buffer.writelines(
            "\t".join([_copy_text(value) for value in values]) + "\n"
            for values in rows[start : start + COPY_BATCH]
        )
        buffer.seek(0)
        COPY_STATEMENTS[0] += 1
        if pipeline is not None:
            pipeline.put(statement, buffer)
        else:
            with connection.cursor() as cursor:
                cursor.copy_expert(statement, buffer)


def reserve_ids(model, objects: list) -> None:
    """Give `objects` ids drawn from the table's sequence, in one query."""
    if not objects:
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = pk


def copy_create(model, objects: list, now, pipeline: _CopyPipeline | None = None) -> None:
    """Insert `objects` with PostgreSQL COPY (the bulk path of an import), with their ids.

    Objects without ids get them from the table's sequence first (`reserve_ids`), so the
    audit entries can name the new rows; `auto_now`/`auto_now_add` fields are set to `now`,
    as save() would.
    """
    if not objects:
        return
    meta = model._meta
    if objects[0].pk is None:
        reserve_ids(model, objects)
    fields = meta.concrete_fields
    for model_field in fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            for instance in objects:
                setattr(instance, model_field.attname, now)
    attnames = [f.attname for f in fields]
    copy_rows(
        meta.db_table,
        [f.column for f in fields],
        [tuple(instance.__dict__[name] for name in attnames) for instance in objects],
        pipeline,
    )
    for instance in objects:
        instance._state.adding = False
