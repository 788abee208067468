"""The benchmark database: 1,000,000 assistances for 250,000 beneficiaries, built by
INSERT … SELECT generate_series (seconds, not an ORM loop)."""

from __future__ import annotations

import datetime
import os
import statistics
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg2

START, END = datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)
BENEFICIARIES = 250_000
ASSISTANCES = 1_000_000
PARTNERS = 5
PROJECTS = 4


def bench_database_url(name: str, override: str) -> str:
    """The environment variable `override` if set, else DATABASE_URL's server (or the local
    one) with the database `name`: a bench never writes into the application's database."""
    explicit = os.environ.get(override)
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def ensure_database(url: str, *, rebuild: bool) -> None:
    """Create the bench database if missing (drop it first with `rebuild`)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname or None,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        if rebuild:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            print(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def ensure_data() -> dict:
    """Migrate, and fill the database once. Returns the project to report on and counts."""
    from django.core.management import call_command
    from django.db import connection

    from assistance.models import Assistance
    from beneficiaries.models import Beneficiary
    from partners.models import Project

    call_command("migrate", verbosity=0)
    if not Project.objects.filter(code="BENCH-1").exists():
        started = time.perf_counter()
        _build()
        print(f"built in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            # Statistics and visibility map for index-only scans; then write the build's dirty
            # pages out now rather than under the timings.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    project = Project.objects.get(code="BENCH-1")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {Assistance._meta.db_table}),"  # noqa: S608
            f" (SELECT count(*) FROM {Beneficiary._meta.db_table}),"
            f" (SELECT count(*) FROM {Assistance._meta.db_table} WHERE project_id = %s)",
            [project.pk],
        )
        assistances, beneficiaries, project_rows = cursor.fetchone()
    return {
        "project": project,
        "assistances": assistances,
        "beneficiaries": beneficiaries,
        "project_rows": project_rows,
    }


def _build() -> None:
    from django.db import connection, transaction

    from assistance.choices import SUBTYPES
    from partners.models import City, Organisation, Project

    with transaction.atomic():
        donor = Organisation.objects.create(slug="bench-donor", name="Bench donor", kind="donor")
        Organisation.objects.get_or_create(
            slug="iom-maroc", defaults={"name": "OIM Maroc", "kind": "iom"}
        )
        partners = [
            Organisation.objects.create(
                slug=f"bench-partner-{i}", name=f"Partner {i}", kind="partner"
            )
            for i in range(1, PARTNERS + 1)
        ]
        cities = list(City.objects.order_by("code").values_list("pk", flat=True)[:8])
        projects = []
        for i in range(1, PROJECTS + 1):
            project = Project.objects.create(
                code=f"BENCH-{i}", title=f"Projet de banc d'essai {i}", donor=donor,
                start=START, end=END,
            )  # fmt: skip
            project.partners.set(partners)
            project.cities.set(cities)
            projects.append(project.pk)
        partner_ids = [p.pk for p in partners]
        pairs = [(c, s) for c, subtypes in SUBTYPES.items() for s in subtypes]
        # Returns are rarer than consultations; repeat the common categories.
        common = [(c, s) for c, s in pairs if c in ("medical", "psychosocial", "food", "non_food")]
        pairs = pairs + common * 3
        categories = [c for c, _s in pairs]
        subtypes = [s for _c, s in pairs]
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
            cursor.execute(
                """
                INSERT INTO beneficiaries_beneficiary
                  (organisation_id, beneficiary_ref, first_name, last_name, sex, date_of_birth,
                   birth_year, nationality, city_id, legal_status, is_migrant, registered_on,
                   consent, vulnerabilities, version, created_at, updated_at, legal_hold,
                   legal_hold_reason, pseudonymisation_reason)
                SELECT (%(partners)s::int[])[1 + g %% 5], 'B' || g, 'Prénom' || g, 'Nom' || g,
                       (ARRAY['F','F','F','F','M','M','M','M','M','U'])[1 + (random() * 9)::int],
                       CASE WHEN r < 0.85 THEN DATE '1950-01-01' + (random() * 26000)::int END,
                       CASE WHEN r >= 0.85 AND r < 0.95 THEN 1950 + (random() * 70)::int END,
                       (ARRAY['GN','SN','CI','CM','ML','NG','CD','MA'])[1 + (random() * 7)::int],
                       (%(cities)s::int[])[1 + (random() * (%(ncities)s - 1))::int],
                       'unknown', random() < 0.9, DATE '2022-12-31', true, '{}', 1, now(), now(),
                       false, '', ''
                FROM (SELECT g, random() AS r FROM generate_series(0, %(n)s - 1) g) s
                """,
                {"partners": partner_ids, "cities": cities, "ncities": len(cities),
                 "n": BENEFICIARIES},
            )  # fmt: skip
            cursor.execute(
                "SELECT min(id) FROM beneficiaries_beneficiary WHERE beneficiary_ref = 'B0'"
            )
            first_id = cursor.fetchone()[0]
            cursor.execute(
                """
                INSERT INTO assistance_assistance
                  (beneficiary_id, category, subtype, delivered_on, status, provider_id, project_id,
                   city_id, country, quantity, outcome, notes, assistance_ref, version, created_at,
                   updated_at)
                SELECT %(first)s + b, (%(categories)s::text[])[k], (%(subtypes)s::text[])[k],
                       %(start)s::date + (random() * %(days)s)::int,
                       CASE WHEN r < 0.9 THEN 'delivered' WHEN r < 0.95 THEN 'planned'
                            ELSE 'cancelled' END,
                       (%(partners)s::int[])[1 + b %% 5],
                       (%(projects)s::int[])[1 + (b / 5) %% 4],
                       (%(cities)s::int[])[1 + (random() * (%(ncities)s - 1))::int],
                       CASE WHEN (%(subtypes)s::text[])[k]
                                 IN ('return_from_morocco', 'return_to_morocco')
                            THEN (ARRAY['GN','SN','CI','CM','ML','NG'])[1 + (random() * 5)::int]
                            ELSE '' END,
                       1,
                       CASE WHEN (%(subtypes)s::text[])[k] = 'referral_public_health'
                            THEN (ARRAY['pending','service_received','service_received','no_show'])
                                 [1 + (random() * 3)::int]
                            ELSE '' END,
                       '', '', 1, now(), now()
                FROM (SELECT g, g %% %(nb)s AS b, 1 + (random() * (%(npairs)s - 1))::int AS k,
                             random() AS r
                      FROM generate_series(0, %(n)s - 1) g) s
                """,
                {"first": first_id, "categories": categories, "subtypes": subtypes,
                 "npairs": len(pairs), "start": START, "days": (END - START).days,
                 "partners": partner_ids, "projects": projects, "cities": cities,
                 "ncities": len(cities), "nb": BENEFICIARIES, "n": ASSISTANCES},
            )  # fmt: skip


def time_dashboard(project, period, runs: int = 5) -> float | None:
    """Median render time of the IOM dashboard for `project` over `period`, if it exists."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from partners.models import Membership, Organisation

    try:
        url = reverse("reporting:dashboard")
    except NoReverseMatch:
        return None
    iom = Organisation.objects.get(slug="iom-maroc")
    officer, _created = get_user_model().objects.get_or_create(username="bench-officer")
    Membership.objects.update_or_create(
        user=officer, defaults={"organisation": iom, "role": "iom_officer"}
    )
    # Signed in as a real officer is: second factor given (django-otp's session key), over
    # https (production settings redirect plain http).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=officer, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    params = {"project": project.code, "start": period.start, "end": period.end}

    def render():
        response = client.get(url, params, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code}")

    render()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
