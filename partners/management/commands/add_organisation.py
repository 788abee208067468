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

    def handle(self, *args, slug, name, kind, city=None, **options):
        city_obj = None
        if city:
            city_obj = City.objects.filter(code=city).first()
            if city_obj is None:
                raise CommandError(f"--city: unknown city '{city}'.")
        organisation, created = organisation_upsert(
            slug=slug, name=name, kind=kind, city=city_obj, acting_user=SYSTEM
        )
        verb = "created" if created else "updated"
        self.stdout.write(f"Organisation {organisation.slug} {verb}.")
