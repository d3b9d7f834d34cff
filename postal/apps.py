from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "postal"
    verbose_name = _("Postal delivery")

    def ready(self):
        from . import dossier_hooks  # noqa: F401 (registers its dossier hooks and panels)
