from django.core.management.base import CommandError

from partners.access import SYSTEM
from partners.choices import OrganisationKind
from partners.management.commands._base import OperationsCommand
from partners.models import City
from partners.services import organisation_upsert


class Command(OperationsCommand):
    help = "Create or update an organisation (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=OrganisationKind.values)
        parser.add_argument("--city", help="city code, e.g. oujda")
        parser.add_argument(
            "--second-factor",
            choices=["required", "optional"],
            help="ask a second factor of every member (IOM officers, managers and admin "
            "users always give one); left as it is when not given",
        )

    def handle(self, *args, slug, name, kind, city=None, second_factor=None, **options):
        city_obj = None
        if city:
            city_obj = City.objects.filter(code=city).first()
            if city_obj is None:
                raise CommandError(f"--city: unknown city '{city}'.")
        organisation, created = organisation_upsert(
            slug=slug,
            name=name,
            kind=kind,
            city=city_obj,
            requires_second_factor=None if second_factor is None else second_factor == "required",
            acting_user=SYSTEM,
        )
        verb = "created" if created else "updated"
        self.stdout.write(f"Organisation {organisation.slug} {verb}.")
