"""`make audit`: known vulnerabilities in what we ship, with pip-audit.

What is audited: every distribution the project needs at run time (its `dependencies`, their
own dependencies and extras, recursively), at the version installed in this environment —
what `pip install .` puts in the Docker image. The project itself (editable, not on PyPI) and
the dev tools (`[dev]`: not shipped) are not. The list is handed to pip-audit pinned, with
`--no-deps --disable-pip`, so pip-audit only asks the vulnerability service about it.

The verdict (see `decide`):
- a known vulnerability → exit 1 and the list (ignore an advisory only in IGNORED, with why);
- the service cannot be reached (no network, DNS, proxy, timeout; or every package answered
  "not found", which is what a blocked or mirrored PyPI gives) → a warning, exit 0: a machine
  without network must still be able to run `make test`;
- anything else pip-audit fails on → exit 1 with its message.

Run it with the environment's Python: `.venv/bin/python scripts/pip_audit.py`. PIP_AUDIT
names another pip-audit command (the tests use a stand-in).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = "iom-cases"
TIMEOUT_SECONDS = 600  # the whole audit; pip-audit's own per-request timeout is below
REQUEST_TIMEOUT_SECONDS = 15

# Advisories we accept, each with why (the one place to ignore one). Empty: none accepted.
IGNORED: dict[str, str] = {}

# What pip-audit or requests print when the service is out of reach.
UNREACHABLE_MARKERS = (
    "ConnectionError",
    "Could not connect",
    "network may be blocking",
    "Max retries exceeded",
    "NameResolutionError",
    "Failed to resolve",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Connection refused",
    "ConnectTimeout",
    "ReadTimeout",
    "timed out",
    "ProxyError",
    "SSLError",
)
NOT_FOUND = "not found on PyPI"


def shipped_requirements(project: str = PROJECT) -> list[str]:
    """`name==version` of every installed distribution `project` needs at run time."""
    pins: dict[str, str] = {}
    seen: set[tuple[str, frozenset]] = set()
    queue: list[tuple[str, frozenset]] = [(project, frozenset())]
    root = canonicalize_name(project)
    while queue:
        name, extras = queue.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python, not installed here
        key = canonicalize_name(dist.metadata["Name"])
        if key != root:
            pins[key] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(
                requirement.marker.evaluate(env) for env in environments
            ):
                continue  # another extra (e.g. `[dev]`) or another platform
            queue.append((requirement.name, frozenset(requirement.extras)))
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def decide(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """The exit status of the audit and what to print, from what pip-audit gave."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if isinstance(report, dict):
        dependencies = report.get("dependencies", [])
        vulnerable = [d for d in dependencies if d.get("vulns")]
        if vulnerable:
            lines = [
                f"  {d['name']} {d['version']}: {v['id']}"
                + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
                for d in vulnerable
                for v in d["vulns"]
            ]
            return 1, "pip-audit: known vulnerabilities in what we ship:\n" + "\n".join(lines)
        audited = [d for d in dependencies if "skip_reason" not in d]
        skipped = len(dependencies) - len(audited)
        if returncode == 0 and audited:
            note = f" ({skipped} not audited)" if skipped else ""
            return 0, f"pip-audit: no known vulnerability in {len(audited)} packages{note}."
        if (
            returncode == 0
            and dependencies
            and all(NOT_FOUND in d.get("skip_reason", "") for d in dependencies)
        ):
            return 0, (
                "pip-audit: WARNING: the vulnerability service could not be reached (every "
                f"one of {skipped} packages answered 'not found'): NOTHING WAS AUDITED."
            )
    if returncode != 0 and any(marker in stderr for marker in UNREACHABLE_MARKERS):
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        return 0, (
            "pip-audit: WARNING: the vulnerability service could not be reached: NOTHING WAS "
            f"AUDITED. ({last})"
        )
    return 1, f"pip-audit failed (exit {returncode}):\n{stderr.strip() or stdout.strip()}"


def pip_audit_command() -> list[str]:
    configured = os.environ.get("PIP_AUDIT")
    return shlex.split(configured) if configured else [sys.executable, "-m", "pip_audit"]


def main() -> int:
    pins = shipped_requirements()
    if not pins:
        print(f"pip-audit: {PROJECT} is not installed in this environment.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as directory:
        requirements = Path(directory) / "shipped.txt"
        requirements.write_text("\n".join(pins) + "\n")
        command = [
            *pip_audit_command(),
            "--requirement", str(requirements), "--no-deps", "--disable-pip",
            "--format", "json", "--progress-spinner", "off",
            "--timeout", str(REQUEST_TIMEOUT_SECONDS),
        ]  # fmt: skip
        for advisory in IGNORED:
            command += ["--ignore-vuln", advisory]
        try:
            result = subprocess.run(  # noqa: S603 - a fixed command, no shell
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
            status, message = decide(result.returncode, result.stdout, result.stderr)
        except subprocess.TimeoutExpired:
            status, message = (
                0,
                (f"pip-audit: WARNING: no answer within {TIMEOUT_SECONDS} s: NOTHING WAS AUDITED."),
            )
    print(message, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
