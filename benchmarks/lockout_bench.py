"""Sign-in benchmark: the lockout does not slow a normal sign-in (`python -m benchmarks
lockout`, or `python -m benchmarks.lockout_bench`; also run by `make bench`).

Uses its own database `iom_lockout_bench` (dropped and rebuilt on each run, never the
development database; LOCKOUT_BENCH_DATABASE_URL names another whose name contains
"bench"): migrate, one partner and one caseworker. Then the sign-in form is POSTed with the
right password through Django's test client, in this process (no network: nothing leaves
the machine), and each sign-in is timed, first with no failure recorded, then with
`--locks` usernames AND as many addresses locked in django-axes' AccessAttempt table (an
attack in progress), the two cases alternating in rounds. Bounded: `--requests` sign-ins
per case (at most 2,000) and `--seconds` per case, whichever comes first.

The settings are the test suite's (a fast password hasher), so the lockout's own cost is not
hidden behind PBKDF2's deliberate slowness. Target: the median and the p95 with the locks
within 20 % (or 2 ms) of those without, and the same number of queries per sign-in. As
timings on a shared machine are noisy, the query plans of the lockout's own statements are
printed too: each must reach axes' table through an index, so its cost does not grow with
the number of attempts recorded (the cleanup of expired attempts scanned the whole table
until core's migration indexed attempt times).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlsplit

from benchmarks.data import bench_database_url, ensure_database

BENCH_DB = "iom_lockout_bench"
USERNAME = "bench-caseworker"
PASSWORD = "bench-Password-2024"  # noqa: S105 (a throwaway account of the bench database)
MAX_REQUESTS = 2000
ROUNDS = 10


def bench_url() -> str:
    return bench_database_url(BENCH_DB, "LOCKOUT_BENCH_DATABASE_URL")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_sign_ins(requests: int, seconds: float) -> tuple[list[float], float]:
    """Sign in `requests` times (or for `seconds`), signing out between: the durations of the
    sign-in POSTs (seconds) and the queries each one made on average."""
    from django.db import connection
    from django.test import Client

    client = Client(REMOTE_ADDR="127.0.0.1")
    durations, queries = [], [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    # Warm up: the first requests load templates, URL resolvers and connections.
    for _ in range(5):
        client.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
        client.logout()
    stop = time.perf_counter() + seconds
    while len(durations) < requests and time.perf_counter() < stop:
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
            durations.append(time.perf_counter() - started)
        if response.status_code != 302:
            sys.exit(f"the sign-in was refused ({response.status_code}): the bench is wrong")
        client.logout()
    return durations, queries[0] / len(durations)


def lockout_plans() -> list[str]:
    """The lockout's own statements in one sign-in (those on axes' table), each with its
    query plan's access to the table: "Index Scan …" whatever the table holds, or a
    "Seq Scan" that grows with it."""
    from django.db import connection
    from django.test import Client

    statements = []

    def capture(execute, sql, params, many, context):
        if "axes_accessattempt" in sql and not many:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    client = Client(REMOTE_ADDR="127.0.0.1")
    with connection.execute_wrapper(capture):
        client.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    client.logout()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute("EXPLAIN " + sql, params)
            lines = [row[0].strip().removeprefix("-> ").strip() for row in cursor.fetchall()]
            scan = next((line for line in lines if "axes_accessattempt" in line), lines[0])
            plans.append(f"{sql.split()[0]:<6} … {scan.split('  (cost')[0]}")
    return plans


def record_locks(count: int) -> None:
    """`count` locked usernames and `count` locked addresses, as an attack leaves them: each
    at the failure limit, failed within the cool-down (so still in force)."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    if not count:
        return
    now = timezone.now()
    limit = settings.AXES_FAILURE_LIMIT
    rows = [
        AccessAttempt(
            username=f"victim-{index:05d}",
            ip_address=f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}",
            user_agent="bench",
            http_accept="*/*",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=limit,
            attempt_time=now,
        )
        for index in range(count)
    ]
    AccessAttempt.objects.bulk_create(rows, batch_size=1000)
    # Updated statistics, as the database would have after a while of such traffic.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE axes_accessattempt")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks lockout", description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="sign-ins per case")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per case")
    parser.add_argument("--locks", type=int, default=1000, help="usernames (and addresses)")
    args = parser.parse_args(argv)
    requests = max(1, min(args.requests, MAX_REQUESTS))
    locks = max(0, min(args.locks, 100_000))

    url = bench_url()
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to benchmark in {name!r}: the database name must contain 'bench'.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    os.environ.setdefault("DEBUG", "0")
    ensure_database(url, rebuild=True)

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files unbuilt
    django.setup()
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.core.management import call_command

    from partners.access import SYSTEM
    from partners.choices import Role
    from partners.services import organisation_upsert, user_upsert

    call_command("migrate", verbosity=0)
    partner, _ = organisation_upsert(
        slug="bench-partner", name="Partenaire du banc", kind="partner", acting_user=SYSTEM
    )
    user_upsert(
        username=USERNAME,
        organisation=partner,
        role=Role.CASEWORKER,
        password=PASSWORD,
        validate=False,
        acting_user=SYSTEM,
    )

    print(
        f"{name}: {requests} sign-ins per case (≤ {args.seconds:.0f} s), sign-in form POST "
        f"through the test client; lockout after {settings.AXES_FAILURE_LIMIT} failures, "
        f"cool-down {settings.AXES_COOLOFF_TIME}"
    )
    # The two cases alternate in rounds, each first in half of them, so a machine busy with
    # something else for a while slows both alike.
    cases = {"no lock recorded": ([], []), f"{locks:,} usernames + addresses": ([], [])}
    per_round = max(1, requests // ROUNDS)
    for round_number in range(ROUNDS):
        order = list(zip((0, locks), cases.values(), strict=True))
        if round_number % 2:
            order.reverse()  # neither case always runs first
        for lock_count, (durations, queries) in order:
            record_locks(lock_count)
            times, average = time_sign_ins(per_round, args.seconds / ROUNDS)
            durations.extend(times)
            queries.append(average)
            rows = AccessAttempt.objects.count()
            if rows != lock_count:
                sys.exit(f"{rows} attempt rows instead of {lock_count}: the bench is wrong")
            if lock_count and round_number == ROUNDS - 1:
                plans = lockout_plans()
            AccessAttempt.objects.all().delete()
    results = {}
    for label, (durations, queries) in cases.items():
        median = statistics.median(durations)
        p95 = _percentile(durations, 0.95)
        results[label] = (median, p95, max(queries))
        print(
            f"  {label:<34} median {median * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   "
            f"{max(queries):.1f} queries/sign-in   ({len(durations)} sign-ins)",
            flush=True,
        )
    print(f"  the lockout's statements in a sign-in, with {locks:,} locks recorded:")
    for plan in plans:
        print(f"    {plan}")
    (base_median, base_p95, base_queries), (median, p95, queries) = results.values()

    def close(value: float, base: float) -> bool:
        return value <= base * 1.2 or value - base <= 0.002

    indexed = not any("Seq Scan" in plan for plan in plans)
    ok = close(median, base_median) and close(p95, base_p95) and queries == base_queries
    print("  every statement on the attempts table uses an index:", "yes" if indexed else "NO")
    print(f"  with locks / without: median ×{median / base_median:.2f}, p95 ×{p95 / base_p95:.2f}")
    print("target: median and p95 within 20 % (or 2 ms), same queries:", "met" if ok else "MISSED")
    print(f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0 if ok and indexed else 1


if __name__ == "__main__":
    sys.exit(main())
