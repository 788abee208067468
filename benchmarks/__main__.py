"""Entry point of `python -m benchmarks` (see the package docstring)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlsplit

BENCH_DB = "iom_bench"


def bench_url() -> str:
    """BENCH_DATABASE_URL, else DATABASE_URL's server with the database `iom_bench`."""
    from benchmarks.data import bench_database_url

    return bench_database_url(BENCH_DB, "BENCH_DATABASE_URL")


def median_time(function, runs: int = 5, warmups: int = 1) -> float:
    for _ in range(warmups):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# Benches that run alone: `python -m benchmarks <name> [its options]`.
ALONE = {"lockout": "benchmarks.lockout_bench", "mission": "benchmarks.mission_bench"}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ALONE:
        import importlib

        return importlib.import_module(ALONE[argv[0]]).main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="Drop and rebuild iom_bench.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--naive-runs",
        type=int,
        default=1,
        help="Runs of the naive ORM version (it takes minutes; 0 to skip it).",
    )
    args = parser.parse_args(argv)

    url = bench_url()
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("iom_bench"):
        sys.exit(f"Refusing to benchmark in {name!r}: the database name must start with iom_bench.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    os.environ.setdefault("DEBUG", "0")

    from benchmarks import data

    data.ensure_database(url, rebuild=args.rebuild)

    import django

    django.setup()

    from benchmarks import floor, naive

    world = data.ensure_data()
    project = world["project"]
    from reporting.engine import bilan
    from reporting.periods import Period, parse_period

    two_years = Period(data.START, data.END)
    quarter = parse_period("2024-Q2")
    print(
        f"iom_bench ({url.rsplit('@', 1)[-1]}): {world['assistances']:,} assistances, "
        f"{world['beneficiaries']:,} "
        f"beneficiaries; project {project.code} has {world['project_rows']:,} rows",
        flush=True,
    )
    figures = {}
    for label, period in (("two years", two_years), ("quarter 2024-Q2", quarter)):
        engine = median_time(lambda p=period: bilan(project, p), args.runs)
        sql_floor = median_time(lambda p=period: floor.bilan_floor(project, p), args.runs)
        _check("floor", floor.bilan_floor(project, period), _core(bilan(project, period)))
        print(f"\n{label} ({period.start} – {period.end})")
        print(f"  (a) engine bilan       {engine:8.3f} s   (median of {args.runs})")
        print(f"  (b) hand-written SQL   {sql_floor:8.3f} s   (median of {args.runs})")
        print(f"  a/b = {engine / sql_floor:.2f}", flush=True)
        naive_time = None
        if args.naive_runs:
            result = {}

            def run_naive(p=period, out=result):
                out["figures"] = naive.bilan_naive(project, p)

            naive_time = median_time(run_naive, args.naive_runs, warmups=0)
            _check("naive", result["figures"], _core(bilan(project, period)))
            print(f"  (c) naive ORM counts   {naive_time:8.3f} s   (median of {args.naive_runs})")
            print(f"  c/a = {naive_time / engine:.1f}", flush=True)
        figures[label] = (engine, sql_floor, naive_time)

    dashboard = data.time_dashboard(project, two_years, args.runs)
    if dashboard is not None:
        print(f"\ndashboard page, two years: {dashboard:.3f} s (median of {args.runs})")
        print("target: ≤ 1.5 s for the dashboard:", "met" if dashboard <= 1.5 else "MISSED")
    two = figures["two years"]
    ok = two[0] <= 1.0 and two[0] / two[1] <= 1.5
    print("\ntargets: (a) ≤ 1.0 s and a/b ≤ 1.5 for the two-year bilan:", "met" if ok else "MISSED")
    print(f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: timings are")
    print(" only comparable on an otherwise idle machine)")

    from benchmarks import mission_bench  # the mission bilan (issue 15)

    mission_bench.report(args.runs)

    from benchmarks import pdf_bench  # the bilan PDF (issue 6), in a fresh process

    pdf_bench.report(args.runs)

    # The spreadsheet import (issue 7): its own database, so in a fresh process.
    import subprocess

    print(flush=True)
    subprocess.run([sys.executable, "-m", "benchmarks.import_bench"], check=False)  # noqa: S603
    # Sign-in with and without an attack's locks recorded (issue 13): its own database too.
    print(flush=True)
    subprocess.run([sys.executable, "-m", "benchmarks.lockout_bench"], check=False)  # noqa: S603
    return 0


def _check(name: str, got: dict, expected: dict) -> None:
    """The versions being compared must compute the same figures, or the timing means nothing."""
    for code, entry in expected.items():
        if got.get(code) != entry:
            sys.exit(f"{name} differs from the engine on {code}: {got.get(code)} != {entry}")


def _core(data: dict) -> dict:
    """The figures the floor and the naive version compute: totals, sex classes, age bands, of
    the assistance indicators (the case indicators have their own statement, and the bench
    data no cases)."""
    from reporting.models import Indicator, Source

    keys = ("total", "women", "girls", "men", "boys", "unknown", "by_age_band")
    assistances = set(
        Indicator.objects.filter(source=Source.ASSISTANCES).values_list("code", flat=True)
    )
    return {
        code: {k: entry[k] for k in keys}
        for code, entry in data["indicators"].items()
        if code in assistances
    }


if __name__ == "__main__":
    sys.exit(main())
