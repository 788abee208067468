"""scripts/pip_audit.py (`make audit`): fails on a known vulnerability, only warns when the
vulnerability service cannot be reached, fails on any other pip-audit error; audits what we
ship (the run-time dependencies), not the dev tools nor the project itself."""

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pip_audit.py"
_spec = importlib.util.spec_from_file_location("pip_audit_wrapper", SCRIPT)
wrapper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wrapper)

VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.0", "vulns": [
            {"id": "GHSA-xxxx-yyyy-zzzz", "fix_versions": ["5.2.1"], "aliases": []}]},
        {"name": "redis", "version": "8.1.0", "vulns": []},
    ],
    "fixes": [],
}  # fmt: skip
CLEAN = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {"name": "private-wheel", "skip_reason": "Dependency not found on PyPI and could not "
                                                 "be audited: private-wheel (1.0)"},
    ],
    "fixes": [],
}  # fmt: skip
ALL_NOT_FOUND = {
    "dependencies": [
        {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be "
                                      f"audited: {name} (1.0)"}
        for name in ("django", "redis", "celery")
    ],
    "fixes": [],
}  # fmt: skip
# What pip-audit 2.x prints when DNS fails (the OSV service; PyPI's is alike).
DNS_FAILURE = """Traceback (most recent call last):
  File ".../requests/adapters.py", line 729, in send
    raise ConnectionError(e, request=request)
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max
retries exceeded with url: /v1/query (Caused by NameResolutionError("Failed to resolve"))
"""
BLOCKED = (
    "ERROR:pip_audit._cli:Could not connect to PyPI's vulnerability feed\n"
    "ERROR:pip_audit._cli:Tip: your network may be blocking this service. Try another service "
    "with `-s SERVICE`\n"
)


def test_a_known_vulnerability_fails_and_is_named():
    status, message = wrapper.decide(1, json.dumps(VULNERABLE), "Found 1 known vulnerability")
    assert status == 1
    assert "django 5.2.0: GHSA-xxxx-yyyy-zzzz (fixed in 5.2.1)" in message


def test_a_vulnerability_fails_even_if_the_output_also_mentions_a_timeout():
    assert wrapper.decide(1, json.dumps(VULNERABLE), "read timed out once, retried")[0] == 1


def test_no_vulnerability_passes_and_says_how_many_were_audited():
    status, message = wrapper.decide(0, json.dumps(CLEAN), "No known vulnerabilities found")
    assert status == 0
    assert "1 packages (1 not audited)" in message


@pytest.mark.parametrize(
    ("returncode", "stdout", "stderr"),
    [
        (1, "", DNS_FAILURE),
        (1, "", BLOCKED),
        (0, json.dumps(ALL_NOT_FOUND), "No known vulnerabilities found"),
    ],
    ids=["dns-failure", "blocked", "every-package-not-found"],
)
def test_an_unreachable_service_warns_without_failing(returncode, stdout, stderr):
    status, message = wrapper.decide(returncode, stdout, stderr)
    assert status == 0
    assert "WARNING" in message and "NOTHING WAS AUDITED" in message


@pytest.mark.parametrize(
    ("returncode", "stdout", "stderr"),
    [
        (2, "", "pip-audit: error: unrecognized arguments: --bogus"),
        (1, "", "ERROR:pip_audit._cli:invalid requirements input: django=="),
        (0, json.dumps({"dependencies": [], "fixes": []}), ""),  # nothing was audited
        (1, "not json", "Traceback ... KeyError: 'vulns'"),
    ],
)
def test_any_other_failure_fails(returncode, stdout, stderr):
    assert wrapper.decide(returncode, stdout, stderr)[0] == 1


def test_what_is_audited_is_what_we_ship():
    pins = dict(line.split("==") for line in wrapper.shipped_requirements())
    for shipped in ("django", "djangorestframework", "celery", "kombu", "redis", "weasyprint"):
        assert shipped in pins, shipped  # redis through celery[redis], weasyprint's own deps too
    for not_shipped in ("iom-cases", "pytest", "ruff", "schemathesis", "pip-audit", "bandit"):
        assert not_shipped not in pins, not_shipped


# --- the script end to end, with a stand-in pip-audit -------------------------------------------

FAKE = """
import json, sys
args = sys.argv[1:]
requirements = open(args[args.index("--requirement") + 1]).read().split()
assert "--no-deps" in args and "--disable-pip" in args and "--format" in args, args
assert any(line.startswith("django==") for line in requirements), requirements
outcome = {outcome!r}
if outcome == "vulnerable":
    print(json.dumps({vulnerable}))
    sys.exit(1)
if outcome == "unreachable":
    sys.stderr.write({dns!r})
    sys.exit(1)
print(json.dumps({{"dependencies": [{{"name": "django", "version": "5.2.19", "vulns": []}}]}}))
"""


@pytest.mark.parametrize(
    ("outcome", "expected"), [("vulnerable", 1), ("unreachable", 0), ("clean", 0)]
)
def test_the_script_exits_as_decided(tmp_path, outcome, expected):
    fake = tmp_path / "fake_pip_audit.py"
    fake.write_text(
        textwrap.dedent(FAKE).format(outcome=outcome, vulnerable=VULNERABLE, dns=DNS_FAILURE)
    )
    result = subprocess.run(  # noqa: S603 - the repository's own script
        [sys.executable, str(SCRIPT)],
        env={"PIP_AUDIT": f"{sys.executable} {fake}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == expected, result.stdout + result.stderr
    if outcome == "vulnerable":
        assert "GHSA-xxxx-yyyy-zzzz" in result.stderr
