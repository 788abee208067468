from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Noyau")

    def ready(self):
        # The access log records sign-ins through the framework's own hooks: Django sends
        # these signals from login(), logout() and authenticate() (the token endpoint too).
        from django.contrib.auth import signals

        from core import access, checks  # noqa: F401 (checks: registers the system checks)

        signals.user_logged_in.connect(access.on_logged_in, dispatch_uid="core.access.login")
        signals.user_logged_out.connect(access.on_logged_out, dispatch_uid="core.access.logout")
        signals.user_login_failed.connect(
            access.on_login_failed, dispatch_uid="core.access.login_failed"
        )
