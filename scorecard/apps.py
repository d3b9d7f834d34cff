from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "scorecard"
    verbose_name = _("Service-quality scorecard (Decision 766/QĐ-TTg)")
