from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import early_warning, working_days  # noqa: F401 (early_warning registers its flag and panel)
        from .models import CalendarException, RuleSet

        # Not rules: the cached copies of the calendar and of the rule sets are dropped when they change.
        for signal in (post_save, post_delete):
            signal.connect(working_days.forget_exceptions, sender=CalendarException)
            signal.connect(RuleSet.forget_cached, sender=RuleSet)
