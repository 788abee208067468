"""Import benchmark: a 100,000-row partner CSV imported end to end (`python -m
benchmarks.import_bench`; also run by `make bench`).

Uses its own database `iom_import_bench` (dropped and rebuilt on each run, never the
development database): migrate, one partner and one project, then times the command's path
(batch record, parse, validate every row with the models' rules, bulk writes, audit) and counts
the queries. Target: ≥ 5,000 rows/s, with queries growing with batches of rows, not rows.

Then the limits (issue 11): crafted files (the zip bombs of tests/imports/bombs.py) are each
refused in a fresh process as the upload and the worker refuse them, and the peak memory and
time that costs are printed next to the peak of the 100,000-row import itself. Target: no
refusal grows the process by more than 32 MB. And the worst files the limits still accept
(the largest XLSX, a 50 MB CSV, a sheet of elements no reader knows) are each checked (a dry
run of the whole import) in a fresh process: their peak memory and time are printed, the
figures to size a worker by.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.data import bench_database_url, ensure_database

BENCH_DB = "iom_import_bench"
TARGET_ROWS_PER_SECOND = 5000
REFUSAL_MAX_KB = 32 * 1024


def bench_url() -> str:
    return bench_database_url(BENCH_DB, "IMPORT_BENCH_DATABASE_URL")


def make_csv(rows: int, *, seed: int = 7, prefix: str = "") -> bytes:
    """`rows` assistances for rows/4 people, in the contract's columns and value forms."""
    from assistance.choices import SUBTYPES
    from assistance.importer.columns import COLUMNS

    rng = random.Random(seed)  # noqa: S311 (test data)
    categories = [c for c in SUBTYPES if c != "avrr"]
    countries = ["CI", "GIN", "Sénégal", "Mali", "cameroon", "NG", "Maroc"]
    sexes = ["F", "M", "femme", "homme", "male", "female", "U"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    people = max(rows // 4, 1)
    for index in range(rows):
        person = index % people
        prng = random.Random(person)  # noqa: S311 (test data)
        year = 1960 + prng.randrange(60)
        category = rng.choice(categories)
        writer.writerow(
            [
                f"{prefix}P-{person:07d}",
                "Aminata",
                f"Nom{person}",
                sexes[person % len(sexes)],
                f"{year}-0{1 + person % 9}-1{person % 10}" if person % 3 else "",
                str(year) if not person % 3 else "",
                countries[person % len(countries)],
                "oujda" if person % 2 else "Casablanca",
                "yes" if person % 5 else "non",
                "gbv;disability" if person % 11 == 0 else "",
                f"{prefix}A-{index:08d}",
                category,
                rng.choice(SUBTYPES[category]),
                f"{1 + rng.randrange(28):02d}/{1 + rng.randrange(12):02d}/2024",
                "delivered",
                "BENCH-IMPORT",
                "",
                "1",
                str(rng.randrange(0, 500)),
                "",
                "note" if index % 7 == 0 else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def _kilobytes(key: str) -> int:
    """VmRSS (now) or VmHWM (the peak since the last `_reset_peak`) of this process (Linux)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(key + r":\s+(\d+) kB", status).group(1))


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def refuse(path: str) -> dict:
    """In this (fresh) process: what refusing the file at `path` costs, as the upload
    (`measure`) and then the worker (reading every row, as the engine does) refuse it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    import django

    django.setup()
    from assistance.importer.reader import ImportFileError, measure, read_table

    content = Path(path).read_bytes()
    _reset_peak()
    before = _kilobytes("VmRSS")
    started = time.perf_counter()
    refusals = {}
    for stage, check in (
        ("upload", lambda: measure(content, "f.xlsx")),
        ("worker", lambda: list(read_table(content, "f.xlsx").rows)),
    ):
        try:
            check()
        except ImportFileError as exc:
            refusals[stage] = exc.message
    return {
        "kb": _kilobytes("VmHWM") - before,
        "seconds": time.perf_counter() - started,
        "refusals": refusals,
    }


def accept(path: str) -> dict:
    """In this (fresh) process: what a dry run of the file at `path` costs (read, every row
    checked), into the bench partner with the bench project by default."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    import django

    django.setup()
    from assistance.importer.engine import run_import
    from partners.access import SYSTEM
    from partners.models import Organisation, Project

    partner = Organisation.objects.get(slug="bench-partner")
    project = Project.objects.get(code="BENCH-IMPORT")
    content = Path(path).read_bytes()
    _reset_peak()
    before = _kilobytes("VmRSS")
    started = time.perf_counter()
    report = run_import(
        content=content,
        filename=Path(path).name,
        organisation=partner,
        acting_user=SYSTEM,
        project=project,
        dry_run=True,
    )
    return {
        "kb": _kilobytes("VmHWM") - before,
        "seconds": time.perf_counter() - started,
        "rows": report.rows,
        "errors": [error.message for error in report.errors[:3]],
    }


def wide_csv(megabytes: int = 49) -> bytes:
    """The 100,000-row bench CSV with a column of the partner's own remarks, up to the upload
    limit (50 MB)."""
    lines = make_csv(100_000).decode().splitlines()
    room = megabytes * 1024 * 1024 - sum(len(line) + 12 for line in lines)
    width = max(room // len(lines), 1)
    remark = "remarque " * (width // 9 + 1)
    rows = [lines[0] + ",remarques"] + [f"{line},{remark[:width]}" for line in lines[1:]]
    return ("\n".join(rows) + "\n").encode()


def accepted_report() -> None:
    """The worst files the limits accept, each checked in a fresh process (a dry run)."""
    import random

    from assistance.importer.columns import COLUMNS
    from tests.imports import bombs

    def unknown_elements():
        pick = random.Random(1).choice  # noqa: S311 (test data)
        junk = b"".join(pick((b"<a/>", b"<b/>")) for _ in range(16_000_000))
        return bombs.workbook([junk, bombs.row(bombs.GOOD_ROW)])

    files = {
        "the largest XLSX accepted: 100,000 rows × 42 cells, 2,000,000 shared strings": (
            "largest.xlsx",
            lambda: bombs.largest_accepted(100_000, columns=COLUMNS, project="BENCH-IMPORT"),
        ),
        "a CSV of 100,000 rows near the 50 MB upload limit": ("large.csv", wide_csv),
        "16,000,000 elements no reader knows in a sheet of one row": (
            "elements.xlsx",
            unknown_elements,
        ),
    }
    print("\nthe worst files the limits accept (each in a fresh process: a dry run)")
    with tempfile.TemporaryDirectory() as folder:
        for label, (name, build) in files.items():
            path = Path(folder) / name
            path.write_bytes(build())
            result = subprocess.run(  # noqa: S603 (this interpreter, this module)
                [sys.executable, "-m", "benchmarks.import_bench", "--accept", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"  {label}: {path.stat().st_size / 1e6:6.2f} MB on disk, peak "
                f"+{figures['kb'] / 1024:6.1f} MB, {figures['seconds']:6.1f} s, "
                f"{figures['rows']:,} rows, {'; '.join(figures['errors']) or 'no error'}"
            )


def limits_report() -> bool:
    """Each crafted file refused in a fresh process; True when every one was refused twice
    within REFUSAL_MAX_KB."""
    from tests.imports import bombs

    files = {
        "390,000 identical rows (the issue's 244 KB file)": lambda: bombs.rows_bomb(390_000),
        "a sheet inflating to 492 MB (the issue's 1.9 MB file)": lambda: bombs.inflated_bomb(492),
        "100,001 distinct rows": lambda: bombs.workbook(bombs.varied_rows(100_001)),
        "2,100,001 shared strings": lambda: bombs.workbook(
            shared_strings=(b"<si><t>%x</t></si>" % n for n in range(2_100_001))
        ),
        "2,000,000 shared strings, one row (accepted before: +341 MB)": lambda: bombs.workbook(
            shared_strings=(b"<si><t>%x</t></si>" % n for n in range(2_000_000))
        ),
        "one row of 1,000,000 cells (the review's 175 KB file: +449 MB)": lambda: bombs.workbook(
            [bombs.wide_row(1_000_000)]
        ),
        "one row of 8,000,000 cells (the review's 21.6 MB file: +2.8 GB)": lambda: bombs.workbook(
            [bombs.wide_row(8_000_000)]
        ),
        "50,000 <x:si> behind a 1.5 MB comment": lambda: bombs.workbook(
            prefix="x:",
            strings_preamble=bombs.comment(1_500_000),
            shared_strings=(b"<x:si><x:t>%x</x:t></x:si>" % n for n in range(50_000)),
        ),
        "a sheet nested 3,000,000 deep (before: +816 MB)": lambda: bombs.workbook(
            [bombs.nested(3_000_000)]
        ),
    }
    ok = True
    print("\nrefusing crafted XLSX files (each in a fresh process: upload check, then worker read)")
    with tempfile.TemporaryDirectory() as folder:
        for label, build in files.items():
            path = Path(folder) / "crafted.xlsx"
            path.write_bytes(build())
            result = subprocess.run(  # noqa: S603 (this interpreter, this module)
                [sys.executable, "-m", "benchmarks.import_bench", "--refuse", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            refusals = figures["refusals"]
            # The worker reads every file the upload let through: it must refuse it then.
            refused = "worker" in refusals and figures["kb"] <= REFUSAL_MAX_KB
            ok = ok and refused
            stages = " and ".join(refusals) or "nowhere"
            print(
                f"  {label}: {path.stat().st_size / 1e6:6.2f} MB on disk, peak "
                f"+{figures['kb'] / 1024:6.1f} MB, {figures['seconds']:6.3f} s, "
                f"{'refused' if refused else 'NOT REFUSED WITHIN BOUNDS'} ({stages}): "
                f"{next(iter(refusals.values()), '')[:60]}…"
            )
    print(f"target: every file refused, peak ≤ +{REFUSAL_MAX_KB // 1024} MB:", end=" ")
    print("met" if ok else "MISSED")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--refuse", help=argparse.SUPPRESS)  # the child of limits_report
    parser.add_argument("--accept", help=argparse.SUPPRESS)  # the child of accepted_report
    args = parser.parse_args(argv)
    if args.refuse:
        print(json.dumps(refuse(args.refuse)))
        return 0
    if args.accept:
        print(json.dumps(accept(args.accept)))
        return 0

    url = bench_url()
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(BENCH_DB):
        sys.exit(
            f"Refusing to benchmark in {name!r}: the database name must start with {BENCH_DB}."
        )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    os.environ.setdefault("DEBUG", "0")

    ensure_database(url, rebuild=True)

    import django

    django.setup()

    import datetime

    from django.core.management import call_command
    from django.db import connection

    from assistance.importer import engine
    from assistance.importer.models import ImportBatch
    from assistance.importer.services import import_batch_create, import_batch_process
    from assistance.models import Assistance
    from core.models import AuditEntry
    from partners.access import SYSTEM
    from partners.choices import OrganisationKind
    from partners.models import Organisation, Project

    call_command("migrate", verbosity=0)
    partner = Organisation.objects.create(slug="bench-partner", name="Bench", kind="partner")
    donor = Organisation.objects.create(
        slug="bench-donor", name="Donor", kind=OrganisationKind.DONOR
    )
    project = Project.objects.create(
        code="BENCH-IMPORT",
        title="Bench",
        donor=donor,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    project.partners.add(partner)
    content = make_csv(args.rows)
    print(f"{BENCH_DB}: importing {args.rows:,} rows ({len(content) / 1e6:.1f} MB CSV)")

    def run(dry_run: bool):
        queries = []
        copies = engine.COPY_STATEMENTS[0]

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            batch = import_batch_create(
                acting_user=SYSTEM,
                organisation=partner,
                file_name="bench.csv",
                content=content,
                source=ImportBatch.Source.COMMAND,
                keep_content=False,
            )
            report = import_batch_process(batch=batch, commit=not dry_run, content=content)
        elapsed = time.perf_counter() - started
        queries.extend(["COPY"] * (engine.COPY_STATEMENTS[0] - copies))
        if not report.ok:
            sys.exit(f"the bench file was refused: {report.errors[:5]}")
        return elapsed, len(queries), report

    _reset_peak()
    resident = _kilobytes("VmRSS")
    elapsed, queries, report = run(dry_run=False)
    import_peak = _kilobytes("VmHWM") - resident
    rate = args.rows / elapsed
    if Assistance.objects.count() != args.rows:
        sys.exit("not every row was imported")
    print(
        f"  import      {elapsed:7.2f} s  {rate:8,.0f} rows/s  {queries:5d} queries  "
        f"({report.counts['persons_new']:,} people, {report.counts['assistances_new']:,} "
        f"assistances, {AuditEntry.objects.count():,} audit entries)"
    )
    again, again_queries, again_report = run(dry_run=False)
    print(
        f"  re-import   {again:7.2f} s  {args.rows / again:8,.0f} rows/s  {again_queries:5d} "
        f"queries  (unchanged: {again_report.counts['assistances_unchanged']:,}; written: 0)"
    )
    content = make_csv(1000, prefix="S")
    _small_elapsed, small_queries, _ = run(dry_run=True)
    print(f"  queries: {small_queries} for a 1,000-row dry run, {queries} for 100,000 rows")
    print(f"  peak memory of the import: +{import_peak / 1024:.0f} MB")
    ok = rate >= TARGET_ROWS_PER_SECOND and queries < args.rows / 100
    print(f"\ntarget: ≥ {TARGET_ROWS_PER_SECOND:,} rows/s:", "met" if ok else "MISSED")
    ok = limits_report() and ok
    accepted_report()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
