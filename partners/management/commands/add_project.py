from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from partners.access import SYSTEM
from partners.choices import OrganisationKind
from partners.management.commands._base import OperationsCommand, parse_date
from partners.models import DEFAULT_SMALL_CELL_THRESHOLD, City, Organisation
from partners.services import project_upsert


def _slugs(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [s.strip() for s in value.split(",") if s.strip()]


class Command(OperationsCommand):
    help = "Create or update a project (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--title", required=True)
        parser.add_argument("--donor", required=True, help="donor organisation slug")
        parser.add_argument("--start", required=True)
        parser.add_argument("--end", required=True)
        parser.add_argument("--partners", help="comma-separated organisation slugs")
        parser.add_argument("--cities", help="comma-separated city codes")
        parser.add_argument("--budget")
        parser.add_argument("--currency")
        parser.add_argument(
            "--small-cell-threshold",
            type=int,
            help=(
                "k: donor outputs print counts from 1 to k-1 as <k (a new project: "
                f"{DEFAULT_SMALL_CELL_THRESHOLD}; 0 or 1: nothing hidden)"
            ),
        )

    def handle(
        self,
        *args,
        code,
        title,
        donor,
        start,
        end,
        partners=None,
        cities=None,
        budget=None,
        currency=None,
        small_cell_threshold=None,
        **options,
    ):
        donor_obj = Organisation.objects.filter(slug=donor).first()
        if donor_obj is None:
            raise CommandError(f"--donor: unknown organisation '{donor}'.")
        if donor_obj.kind != OrganisationKind.DONOR:
            raise CommandError(f"--donor: '{donor}' is a {donor_obj.kind}, not a donor.")
        partner_objs = None
        if (slugs := _slugs(partners)) is not None:
            found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
            missing = [s for s in slugs if s not in found]
            if missing:
                raise CommandError(f"--partners: unknown organisation(s) {', '.join(missing)}.")
            wrong = [s for s in slugs if found[s].kind == OrganisationKind.DONOR]
            if wrong:
                raise CommandError(f"--partners: {', '.join(wrong)} is a donor.")
            partner_objs = [found[s] for s in slugs]
        city_objs = None
        if (codes := _slugs(cities)) is not None:
            found_cities = {c.code: c for c in City.objects.filter(code__in=codes)}
            missing = [c for c in codes if c not in found_cities]
            if missing:
                raise CommandError(f"--cities: unknown city code(s) {', '.join(missing)}.")
            city_objs = [found_cities[c] for c in codes]
        amount = None
        if budget is not None:
            try:
                amount = Decimal(budget)
            except InvalidOperation as exc:
                raise CommandError(f"--budget: '{budget}' is not a number.") from exc
        if small_cell_threshold is not None and small_cell_threshold < 0:
            raise CommandError("--small-cell-threshold: must be 0 or more.")
        start_date, end_date = parse_date(start, "--start"), parse_date(end, "--end")
        if end_date < start_date:
            raise CommandError("--end is before --start.")
        project, created = project_upsert(
            code=code,
            title=title,
            donor=donor_obj,
            start=start_date,
            end=end_date,
            partners=partner_objs,
            cities=city_objs,
            budget=amount,
            currency=currency,
            small_cell_threshold=small_cell_threshold,
            acting_user=SYSTEM,
        )
        verb = "created" if created else "updated"
        self.stdout.write(f"Project {project.code} {verb}.")
