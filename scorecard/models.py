"""The daily counters the Decision 766 scorecard sums: one row per agency and day, written only by
`scorecard.figures.refresh_day` (the beat task and `manage.py rebuild_scorecard`), never by hand."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency

# The counters a row holds, in the order the formulas (scorecard.indicators) and the export read them.
DOSSIER_COUNTERS = (
    "filed",
    "filed_online",
    "filed_desk",
    "filed_post",
    "filed_reusing",
    "received_online",
    "received_online_in_time",
    "decided",
    "decided_on_time",
    "decided_late",
    "processing_days",
    "prescribed_days",
    "decided_with_result",
    "decided_e_result",
    "decided_digitised",
    "decided_digitised_e_result",
    "fees_settled",
    "fees_paid_online",
)
# Counters read from other apps' selectors; NULL when that source was not available when the row was made.
SOURCE_COUNTERS = (
    "synced",
    "sync_total",
    "feedback_received",
    "feedback_on_time",
    "ratings",
    "ratings_satisfied",
)
COUNTERS = DOSSIER_COUNTERS + SOURCE_COUNTERS


class DailyAgencyFigures(models.Model):
    """What happened at one agency on one day (portal time zone), counted once so that a month, a quarter
    or a year of the scorecard is a sum of rows instead of a scan of the dossiers."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency"))
    day = models.DateField(_("day"))
    # Filed that day (submitted_at) with the receiving agency: all, by channel, reusing a stored document.
    filed = models.PositiveIntegerField(default=0)
    filed_online = models.PositiveIntegerField(default=0)
    filed_desk = models.PositiveIntegerField(default=0)
    filed_post = models.PositiveIntegerField(default=0)
    filed_reusing = models.PositiveIntegerField(default=0)
    # Filed online and received that day (received_at); in time: within the 8 working hours.
    received_online = models.PositiveIntegerField(default=0)
    received_online_in_time = models.PositiveIntegerField(default=0)
    # Decided that day (decided_at) by the handling agency: on time, late, and the working days taken
    # against the working days the catalogue prescribes.
    decided = models.PositiveIntegerField(default=0)
    decided_on_time = models.PositiveIntegerField(default=0)
    decided_late = models.PositiveIntegerField(default=0)
    processing_days = models.PositiveIntegerField(default=0)
    prescribed_days = models.PositiveIntegerField(default=0)
    # Of them (Decision 766 group 4): with a result to hand over, of those with a signed e-result; with a
    # paper digitised and attested at the desk; digitised and with a signed e-result.
    decided_with_result = models.PositiveIntegerField(default=0)
    decided_e_result = models.PositiveIntegerField(default=0)
    decided_digitised = models.PositiveIntegerField(default=0)
    decided_digitised_e_result = models.PositiveIntegerField(default=0)
    # Fees settled that day (fees_settled_at), exemptions excluded; and of them paid online.
    fees_settled = models.PositiveIntegerField(default=0)
    fees_paid_online = models.PositiveIntegerField(default=0)
    synced = models.PositiveIntegerField(null=True, blank=True)
    sync_total = models.PositiveIntegerField(null=True, blank=True)
    feedback_received = models.PositiveIntegerField(null=True, blank=True)
    feedback_on_time = models.PositiveIntegerField(null=True, blank=True)
    ratings = models.PositiveIntegerField(null=True, blank=True)
    ratings_satisfied = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("daily agency figures")
        verbose_name_plural = _("daily agency figures")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="scorecard_one_row_per_day")]
        # The page sums a period for every agency: a range on day first.
        indexes = [models.Index(fields=["day", "agency"], name="scorecard_day_agency")]

    def __str__(self):
        return f"{self.agency_id} {self.day}"
