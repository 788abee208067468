from django.core.management.base import CommandError

from partners.access import SYSTEM
from partners.choices import Role
from partners.management.commands._base import OperationsCommand
from partners.models import Organisation
from partners.services import user_upsert


class Command(OperationsCommand):
    help = "Create or update a user with an organisation and a role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organisation", required=True, help="organisation slug")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--reactivate",
            action="store_true",
            help="restore the access of a user whose membership was revoked (kept revoked "
            "otherwise)",
        )

    def handle(self, *args, username, organisation, role, password, email, reactivate, **options):
        organisation_obj = Organisation.objects.filter(slug=organisation).first()
        if organisation_obj is None:
            raise CommandError(f"--organisation: unknown organisation '{organisation}'.")
        if not username.strip():
            raise CommandError("username must not be empty.")
        user, created = user_upsert(
            username=username,
            organisation=organisation_obj,
            role=role,
            password=password,
            email=email,
            reactivate=reactivate,
            acting_user=SYSTEM,
        )
        verb = "created" if created else "updated"
        self.stdout.write(f"User {user.username} {verb} ({role} at {organisation_obj.slug}).")
        if not user.membership.is_active:
            self.stdout.write("Its access stays revoked; --reactivate restores it.")
