from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et projets")

    def ready(self):
        # Hook (core.scoping): core asks who sees everything and who works on personal
        # records; memberships and roles are ours, so the answers are too.
        from core import scoping
        from partners.access import sees_everything, works_on_records

        scoping.register(sees_everything=sees_everything, works_on_records=works_on_records)

        # Hook (core.api.auth): the token endpoint asks the second factor of those who need
        # one; who does, and checking the code, is ours (partners.second_factor).
        from core.api.auth import register_second_factor_check
        from partners.second_factor import check_token_request

        register_second_factor_check(check_token_request)
