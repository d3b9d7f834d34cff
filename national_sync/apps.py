from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalSyncConfig(AppConfig):
    name = "national_sync"
    verbose_name = _("National public-service portal sync")

    def ready(self):
        from . import checks, dossier_hooks  # noqa: F401 (register the deploy check and the dossier hook)
