"""A real Celery worker on the real Redis, killed in the middle of a bilan (issue 6).

The worker runs against the test database (committed data: transactional test). The test
holds a lock on the project row, which the generation needs only for its final commit, so
the worker is reliably caught after rendering and before committing; it is then killed with
SIGKILL, the lock released, and a second worker picks the redelivered task up once the
(short) Redis visibility timeout has passed. The bilan must exist exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis

from bilans import services
from bilans.models import BilanSnapshot, TaskState
from core.models import AuditEntry
from iom_cases.celery import app
from reporting.periods import parse_period
from tests.servers import database_settings_json, raw_connection, redis_broker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # send_task always goes to the broker, which is the point here.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_url():
    with redis_broker() as url:
        yield url


class Worker:
    """`celery -A iom_cases worker` in its own process group, on a queue of its own."""

    def __init__(self, queue: str, var_dir: Path, log: Path, broker_url: str):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "IOM_TEST_DATABASE": database_settings_json(),
            "REDIS_URL": broker_url,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            # No task of this worker may run longer (settings refuse an import's time limit
            # that would): the import's must end before Redis redelivers.
            "IMPORT_TIME_LIMIT_SECONDS": "1",
            "IOM_VAR_DIR": str(var_dir),
        }
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "iom_cases",
                "worker",
                "-Q",
                queue,
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError("worker did not start:\n" + self.log.read_text(errors="replace"))

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}:\n" + log.read_text(errors="replace"))


def _forget(broker_url: str, queue: str, task_ids: list[str]) -> None:
    """Leave nothing of this test in the shared Redis."""
    client = redis.Redis.from_url(broker_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for task_id in task_ids:
        client.delete(f"celery-task-meta-{task_id}")


def _snapshot(pk):
    return BilanSnapshot.objects.get(pk=pk)


def test_a_worker_killed_mid_bilan_leaves_nothing_half_written_and_the_bilan_is_made_once(
    officer, project, known_data, tmp_path, settings, broker_url
):
    settings.MEDIA_ROOT = tmp_path / "media"
    queue = f"bilans-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    queued = []
    with mock.patch.object(services, "enqueue_generation", queued.append):
        snapshot = services.bilan_request(
            project=project, period=parse_period("2023-Q2"), acting_user=officer
        )
    assert queued == [snapshot.pk]

    lock = raw_connection()
    workers, sent = [], []
    try:
        with lock.cursor() as cursor:  # held until lock.rollback()
            cursor.execute("SELECT id FROM partners_project WHERE id = %s FOR UPDATE", [project.pk])
        first = Worker(queue, tmp_path, log, broker_url)
        workers.append(first)
        first.wait_ready()
        with app.connection_for_write(broker_url) as broker:
            sent.append(
                app.send_task(
                    "bilans.tasks.generate_bilan",
                    args=[snapshot.pk],
                    queue=queue,
                    connection=broker,
                ).id
            )
        # Rendered, files under temporary names, waiting for the final commit.
        _wait_for(lambda: _snapshot(snapshot.pk).progress >= 90, 90, "the rendering", log)
        first.kill()

        half = _snapshot(snapshot.pk)
        assert half.task_state == TaskState.RUNNING
        assert half.version is None and not half.pdf and not half.figures
        assert not (settings.MEDIA_ROOT / "bilans" / project.code).exists()
        lock.rollback()

        second = Worker(queue, tmp_path, log, broker_url)
        workers.append(second)
        second.wait_ready()
        done = _wait_for(
            lambda: (s := _snapshot(snapshot.pk)).task_state == TaskState.DONE and s,
            90,
            "the redelivered task",
            log,
        )
        assert done.version == 1
        assert done.attempts == 2
        assert done.figures["indicators"]["medical_services"]["total"] == 11
        files = sorted(p.name for p in (settings.MEDIA_ROOT / "bilans" / project.code).iterdir())
        assert files == [f"{done.file_basename()}.pdf", f"{done.file_basename()}.xlsx"]
        assert (settings.MEDIA_ROOT / done.pdf.name).read_bytes().startswith(b"%PDF")
        assert not list((settings.MEDIA_ROOT / "bilans" / "tmp").iterdir())

        # The same task delivered once more changes nothing.
        with app.connection_for_write(broker_url) as broker:
            sent.append(
                app.send_task(
                    "bilans.tasks.generate_bilan",
                    args=[snapshot.pk],
                    queue=queue,
                    connection=broker,
                ).id
            )
        _wait_for(
            lambda: log.read_text(errors="replace").count("succeeded in") >= 2,
            30,
            "the duplicate delivery",
            log,
        )
    finally:
        lock.close()
        for worker in workers:
            worker.kill()
        _forget(broker_url, queue, sent)

    assert BilanSnapshot.objects.count() == 1
    assert _snapshot(snapshot.pk).version == 1
    generated = AuditEntry.objects.filter(
        model="bilans.bilansnapshot", object_id=str(snapshot.pk), changes__has_key="generated"
    )
    assert generated.count() == 1
