from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BilansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bilans"
    verbose_name = _("Bilans bailleurs")
