from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self):
        from . import receivers  # noqa: F401 (records the consent given at sign-up)
