"""The mission bilan at 1,000,000 assistances (issue 15): the figures of one year over every
project (and none), next to the project bilan of the largest project over the same year;
target: the mission ≤ 2 × that project bilan.

`python -m benchmarks mission` runs it alone (the data must exist: `make bench` builds it);
`python -m benchmarks` calls `report()` near the end. Both sides are the JSON figures only
(engine statement + the mission's persons by city), not the PDF.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys

TARGET_RATIO = 2.0
YEAR = 2024


def report(runs: int = 5) -> bool:
    from django.db import connection

    from benchmarks.__main__ import median_time
    from partners.models import Project
    from reporting.engine import bilan
    from reporting.mission import mission_bilan
    from reporting.models import Fact
    from reporting.periods import Period

    year = Period(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT project_id, count(*) FROM {Fact._meta.db_table} "  # noqa: S608
            "WHERE day_key BETWEEN %s AND %s GROUP BY project_id ORDER BY 2 DESC",
            [YEAR * 10000 + 101, YEAR * 10000 + 1231],
        )
        counts = cursor.fetchall()
    largest_id, largest_rows = next((p, n) for p, n in counts if p is not None)
    project = Project.objects.get(pk=largest_id)
    every = sum(n for _p, n in counts)
    mission = median_time(lambda: mission_bilan(year), runs)
    single = median_time(lambda: bilan(project, year), runs)
    ratio = mission / single
    print(f"\nmission bilan, year {YEAR}: {every:,} delivered assistances in the year")
    print(f"  (m) mission bilan            {mission:8.3f} s   (median of {runs})")
    print(f"  (p) {project.code} bilan ({largest_rows:,} rows) {single:8.3f} s")
    print(
        f"  m/p = {ratio:.2f}; target ≤ {TARGET_RATIO}:",
        "met" if ratio <= TARGET_RATIO else "MISSED",
    )
    return ratio <= TARGET_RATIO


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks mission")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from benchmarks import data
    from benchmarks.__main__ import BENCH_DB

    os.environ["DATABASE_URL"] = data.bench_database_url(BENCH_DB, "BENCH_DATABASE_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    os.environ.setdefault("DEBUG", "0")
    data.ensure_database(os.environ["DATABASE_URL"], rebuild=False)
    import django

    django.setup()
    data.ensure_data()
    report(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
