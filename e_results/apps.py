from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EResultsConfig(AppConfig):
    name = "e_results"
    verbose_name = _("Signed e-results")

    def ready(self):
        from . import dossier_hooks  # noqa: F401 (registers its dossier hook and panel)
