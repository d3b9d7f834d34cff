from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("API for the province's systems")

    def ready(self):
        from . import schema  # noqa: F401  (the OpenAPI description of the API's authentication)
