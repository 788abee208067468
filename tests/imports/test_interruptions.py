"""An import interrupted (issue 11, item 19, from review): the time limit raised while a workbook
is read, or while the engine waits for its COPY thread; a worker killed outright just after it
took a batch. Each ends as the user must find it: failed for the right reason, nothing written,
the attempt counted."""

import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.utils import timezone
from openpyxl.reader.excel import ExcelReader

from assistance.importer import engine, services
from assistance.importer.models import ImportBatch
from assistance.tasks import process_import_batch
from core.models import AuditEntry
from tests.imports import bombs
from tests.imports.conftest import csv_bytes, row
from tests.servers import database_settings_json

ROOT = Path(__file__).resolve().parents[2]


def _queue(user, content: bytes, name: str, monkeypatch) -> ImportBatch:
    """A batch as the page queues it for a worker (the task itself not sent)."""
    monkeypatch.setattr(services, "SYNC_MAX_BYTES", 10)
    monkeypatch.setattr(process_import_batch, "delay", lambda *args: None)
    batch = services.import_batch_create(
        acting_user=user,
        organisation=user.membership.organisation,
        file_name=name,
        content=content,
        source=ImportBatch.Source.WEB,
    )
    services.import_batch_start(batch=batch, commit=False)
    return batch


def test_the_time_limit_while_a_workbook_is_read_fails_it_as_overrun(alice, project, monkeypatch):
    """Not "this is no workbook": the worker ran out of time."""
    batch = _queue(alice, bombs.workbook([bombs.row(bombs.GOOD_ROW)]), "f.xlsx", monkeypatch)

    def overrun(self):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(ExcelReader, "read_workbook", overrun)
    with pytest.raises(SoftTimeLimitExceeded):
        process_import_batch(batch.pk, False)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert [error["message"] for error in batch.errors] == [
        "Le traitement a dépassé la durée maximale de 10 minutes : rien n'a été importé. "
        "Découpez le fichier en plusieurs fichiers plus petits."
    ]


def _copy_text(rows) -> str:
    return "".join(
        "\t".join(engine._copy_text(value) for value in values) + "\n" for values in rows
    )


@pytest.mark.django_db(transaction=True)
def test_the_time_limit_while_waiting_for_the_copy_thread_stops_it_first(
    committing_db, transactional_db, monkeypatch
):
    """The soft limit is raised in the main thread while it waits for the COPY thread: the
    thread must be stopped before the transaction rolls back, or its next COPY runs after the
    rollback, outside any transaction, and part of the file is written for good."""
    now = timezone.now()
    first = [(now, None, "create", "test.first", str(n), {}) for n in range(5)]
    second = [(now, None, "create", "test.second", str(n), {}) for n in range(5)]
    copying = threading.Event()

    class SlowBuffer(io.StringIO):
        """A COPY that takes a while (a large buffer on a busy server)."""

        def read(self, *args):
            copying.set()
            time.sleep(0.2)
            return super().read(*args)

    join = threading.Thread.join
    interrupted = []

    def join_interrupted_once(thread, timeout=None):
        if thread.name == "import-copy" and not interrupted:
            interrupted.append(thread)
            copying.wait(10)
            raise SoftTimeLimitExceeded()  # as celery's signal handler raises it
        return join(thread, timeout)

    monkeypatch.setattr(threading.Thread, "join", join_interrupted_once)
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(AuditEntry._meta.db_table)} "
        f"({', '.join(quote(c) for c in engine.AUDIT_COLUMNS)}) FROM STDIN"
    )
    with pytest.raises(SoftTimeLimitExceeded):
        with transaction.atomic():
            with engine._CopyPipeline() as pipeline:
                pipeline.put(statement, SlowBuffer(_copy_text(first)))
                pipeline.put(statement, io.StringIO(_copy_text(second)))
    assert interrupted and not pipeline.thread.is_alive()
    time.sleep(1)  # what a thread left running would have done by now
    assert not AuditEntry.objects.filter(model__startswith="test.").exists()


KILLED = """
import os
import sys

import django

django.setup()
from assistance.importer import engine, services


def killed(*args, **kwargs):
    os._exit(9)  # as the out-of-memory killer ends a worker: nothing after this runs


engine._plan = killed
services.import_batch_run(batch_id=int(sys.argv[1]), commit=False)
"""


def _worker_killed_while_importing(batch_id: int) -> int:
    """A worker process that takes the batch, then dies in the middle of the engine."""
    result = subprocess.run(  # noqa: S603 (this interpreter, the script above)
        [sys.executable, "-c", KILLED, str(batch_id)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "IOM_TEST_DATABASE": database_settings_json(),
            "DEBUG": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_taking_a_batch_has_its_attempt_committed(
    committing_db, transactional_db, alice, project, monkeypatch
):
    batch = _queue(alice, csv_bytes([row()]), "f.csv", monkeypatch)
    assert _worker_killed_while_importing(batch.pk) == 9
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("validating", 1)
    assert batch.started_at is not None
    assert _worker_killed_while_importing(batch.pk) == 9
    batch.refresh_from_db()
    assert batch.attempts == 2
    process_import_batch(batch.pk, False)  # delivered a third time: gives up
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("failed", 2)
    assert batch.errors[0]["message"].startswith("Le traitement a été interrompu 2 fois")
