from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments at the desk")

    def ready(self):
        from . import dossier_hooks  # noqa: F401 (registers its dossier panels)
