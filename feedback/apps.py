from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and satisfaction")

    def ready(self):
        from . import dossier_hooks  # noqa: F401 (registers its dossier hook and panel)
