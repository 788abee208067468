"""Load realistic demo data: IOM, four partner NGOs, two donors, three projects, about 2,000
people and 10,000 assistances over the last two years, and one demo user per role.

Runs once: a second run does nothing unless --force is given. The data is built in parts
(web/demo/), all drawn from one random generator seeded by --seed.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assistance.models import Assistance
from beneficiaries.models import Beneficiary
from web.demo.assistances import record_assistances
from web.demo.capacity import capacity_events
from web.demo.cases import caseload
from web.demo.organisations import organisations_projects_users
from web.demo.people import register_people
from web.demo.reference import DEMO_PASSWORD, USERS
from web.demo.results import results_frameworks
from web.demo.second_factor import demo_backup_codes
from web.demo.stories import published_bilan, referrals_and_returns
from web.demo.world import Demo


class Command(BaseCommand):
    help = "Load realistic demo data and demo users (once)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--assistances", type=int, default=10000)
        parser.add_argument(
            "--force", action="store_true", help="load again even if demo data is already there"
        )

    def handle(self, *args, seed, people, assistances, force, **options):
        if Beneficiary.objects.exists() and not force:
            self.stdout.write("Demo data already loaded; nothing to do.")
            self._print_logins()
            return
        if people < 50 or assistances < people:
            raise CommandError("--people must be ≥ 50 and --assistances ≥ --people.")
        demo = Demo(rng=random.Random(seed), today=timezone.localdate())
        with transaction.atomic():
            organisations_projects_users(demo)
            register_people(demo, people)
            record_assistances(demo, assistances)
            referrals_and_returns(demo)
            caseload(demo)
            capacity_events(demo)
            results_frameworks(demo)
        self.stdout.write(published_bilan(demo))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {Beneficiary.objects.count()} people, "
                f"{Assistance.objects.count()} assistances."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, org, role in USERS:
            self.stdout.write(f"  {username:<16} {role:<16} {org}")
        self._print_second_factor()

    def _print_second_factor(self) -> None:
        """Fresh backup codes for the demo users who need a second factor (DEBUG only)."""
        if not settings.DEBUG:
            self.stdout.write(
                "Second factor: no demo backup codes made (DEBUG is off; they are never made "
                "in production). The officer and the manager enrol an authenticator app at "
                "their first sign-in."
            )
            return
        codes = demo_backup_codes()
        self.stdout.write(
            "Second factor of "
            + " and ".join(codes)
            + ": after the password, type one of these backup codes (each works once; "
            "every run of `make run` prints new ones and the old ones stop working):"
        )
        for username, user_codes in codes.items():
            half = len(user_codes) // 2
            self.stdout.write(f"  {username:<16} {' '.join(user_codes[:half])}")
            self.stdout.write(f"  {'':<16} {' '.join(user_codes[half:])}")
