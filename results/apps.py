from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "results"
    verbose_name = _("Cadres de résultats")

    def ready(self) -> None:
        # reporting sits below results: its dashboard shows achieved / target through a hook.
        from reporting import hooks
        from results.dashboard import dashboard_section

        hooks.register_dashboard_section(app="results", section=dashboard_section)
