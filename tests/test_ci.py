"""CI (.ci/run) runs the README's test command twice, the second whatever the first gave,
prints both statuses and fails when either failed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CI_RUN = Path(__file__).resolve().parent.parent / ".ci" / "run"

# Stands for `make test`: logs which run it is, and fails the runs listed in $FAIL_RUNS.
FAKE_MAKE = """#!/usr/bin/env bash
run=${DATABASE_URL:+machine}
run=${run:-newcomer}
echo "$run" >> "$MAKE_LOG"
case " $FAIL_RUNS " in *" $run "*) exit 2 ;; esac
"""


def run_ci(tmp_path: Path, fail_runs: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    (tmp_path / ".ci").mkdir()
    shutil.copy(CI_RUN, tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text(FAKE_MAKE)
    (bin_dir / "make").chmod(0o755)
    log = tmp_path / "make.log"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "MAKE_LOG": str(log),
        "FAIL_RUNS": fail_runs,
        "DATABASE_URL": "postgres://ci",
    }
    result = subprocess.run(  # noqa: S603 - the repository's own script
        ["bash", str(tmp_path / ".ci" / "run")],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, log.read_text().split()


@pytest.mark.parametrize(
    ("fail_runs", "machine", "newcomer"),
    [("machine", 2, 0), ("newcomer", 0, 2), ("machine newcomer", 2, 2)],
)
def test_both_runs_happen_and_any_failure_fails_ci(tmp_path, fail_runs, machine, newcomer):
    result, runs = run_ci(tmp_path, fail_runs)
    assert runs == ["machine", "newcomer"]
    assert f"=== machine's PostgreSQL and Redis: exit {machine} ===" in result.stdout
    assert f"=== nothing but Python: exit {newcomer} ===" in result.stdout
    assert result.returncode != 0


def test_ci_passes_when_both_pass(tmp_path):
    result, runs = run_ci(tmp_path, "")
    assert runs == ["machine", "newcomer"]
    assert result.returncode == 0, result.stdout + result.stderr
