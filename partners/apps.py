from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et projets")

    def ready(self):
        # Hook (core.scoping): core asks who sees everything and who works on personal
        # records; memberships and roles are ours, so the answers are too.
        from core import access, scoping
        from partners.access import organisation_of, sees_everything, works_on_records

        scoping.register(sees_everything=sees_everything, works_on_records=works_on_records)
        # Hook (core.access): the access log stores the reader's organisation as a number.
        access.register(organisation_of=organisation_of)
        # Hook (core.notifications): the language each user picked, for the notices
        # written while they are away (the morning digest, the officers' bilan notices).
        from core import notifications
        from partners.selectors import languages_of

        notifications.register_language(languages_of)
