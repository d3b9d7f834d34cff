"""The events the portal tells people about, and what each caller puts in `context`.

Every template under templates/notifications/<channel>/<event>.txt can use the keys listed here, plus what
notify() always adds: `name` (the recipient), `code` and `procedure` (when a dossier is given), `url` (an
absolute link to the page the notice points to). Values are JSON-serialisable: str, int, ISO dates.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    DOSSIER_SUBMITTED = "dossier_submitted", _("Dossier submitted")
    DOSSIER_RECEIVED = "dossier_received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    DOSSIER_REFUSED = "dossier_refused", _("Dossier refused")
    APOLOGY_ISSUED = "apology_issued", _("Apology and new appointment date")
    DOSSIER_APPROVED = "dossier_approved", _("Dossier approved")
    DOSSIER_DENIED = "dossier_denied", _("Dossier denied")
    RESULT_READY = "result_ready", _("Result ready")
    DOSSIER_RETURNED = "dossier_returned", _("Result returned")
    DOSSIER_STOPPED = "dossier_stopped", _("Processing stopped")
    DOSSIER_WITHDRAWN = "dossier_withdrawn", _("Dossier withdrawn")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    REFUND_ISSUED = "refund_issued", _("Refund issued")
    POSTAL_SHIPPED = "postal_shipped", _("Result posted")
    POSTAL_DELIVERED = "postal_delivered", _("Result delivered by post")
    POSTAL_RETURNED_TO_SENDER = "postal_returned_to_sender", _("Parcel returned to sender")
    STAFF_REMINDER = "staff_reminder", _("Daily reminder of due and overdue dossiers")
    PHONE_VERIFICATION = "phone_verification", _("Phone number verification code")
    AUTHORISATION_REQUESTED = "authorisation_requested", _("Someone asks to act on your behalf")
    AUTHORISATION_CODE = "authorisation_code", _("Code to approve acting on your behalf")
    NATIONAL_SYNC_ALERT = "national_sync_alert", _("Sync with the national portal needs attention")
    FEEDBACK_CODE = "feedback_code", _("Code to confirm the phone of a feedback sender")
    FEEDBACK_RECEIVED = "feedback_received", _("Feedback received")
    FEEDBACK_ASSIGNED = "feedback_assigned", _("Feedback assigned to you")
    FEEDBACK_ANSWERED = "feedback_answered", _("Feedback answered")
    SATISFACTION_INVITATION = "satisfaction_invitation", _("Invitation to rate your satisfaction")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment at the desk booked")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("Appointment at the desk cancelled")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Reminder of an appointment at the desk")
    CORRECTION_HANDLED = "correction_handled", _("Request to correct personal data answered")
    NEW_SIGN_IN = "new_sign_in", _("Sign-in from a new browser")


# Optional keys each event's templates use (all optional: a template leaves out what it is not given).
CONTEXT_KEYS: dict[str, tuple[str, ...]] = {
    Event.DOSSIER_SUBMITTED: ("intake_deadline",),
    Event.DOSSIER_RECEIVED: ("due_date",),
    Event.SUPPLEMENT_REQUESTED: ("reason", "documents", "details"),
    Event.DOSSIER_REFUSED: ("reason",),
    Event.APOLOGY_ISSUED: ("original_due_date", "new_due_date", "reason"),
    Event.DOSSIER_APPROVED: (),
    Event.DOSSIER_DENIED: ("reason",),
    Event.RESULT_READY: ("return_channel",),
    Event.DOSSIER_RETURNED: (),
    Event.DOSSIER_STOPPED: ("reason",),
    Event.DOSSIER_WITHDRAWN: (),
    Event.PAYMENT_RECEIVED: ("amount", "reference"),
    Event.REFUND_ISSUED: ("amount", "reference"),
    Event.POSTAL_SHIPPED: ("tracking_number", "carrier"),
    Event.POSTAL_DELIVERED: ("tracking_number", "delivered_at"),
    Event.POSTAL_RETURNED_TO_SENDER: ("tracking_number", "reason", "audience"),  # audience="staff": the desk
    Event.STAFF_REMINDER: (
        "agency",
        "due_soon",
        "overdue",
        "need_apology",
        "due_soon_count",
        "overdue_count",
    ),
    Event.PHONE_VERIFICATION: ("otp", "minutes"),
    Event.AUTHORISATION_REQUESTED: ("helper", "scope"),
    Event.AUTHORISATION_CODE: ("otp", "minutes", "helper"),
    # problem: "lag" (rows waiting past `minutes`) or "failed" (`count` rows refused, the first `error`).
    Event.NATIONAL_SYNC_ALERT: ("agency", "problem", "count", "minutes", "error"),
    # feedback/: `reference` PAKN-000123, `title`, `due_date`; the invitation's `link` is a signed one.
    Event.FEEDBACK_CODE: ("otp", "minutes"),
    Event.FEEDBACK_RECEIVED: ("reference", "title", "due_date"),
    Event.FEEDBACK_ASSIGNED: ("reference", "title", "due_date"),
    Event.FEEDBACK_ANSWERED: ("reference", "title"),
    Event.SATISFACTION_INVITATION: ("valid_days", "code", "procedure"),
    # appointments/: `when` "HH:MM dd/mm/yyyy", `purpose` in_person|collect_result, `calendar` the .ics link.
    Event.APPOINTMENT_BOOKED: ("when", "agency", "counter", "purpose", "calendar"),
    Event.APPOINTMENT_CANCELLED: ("when", "agency", "counter", "purpose", "calendar"),
    Event.APPOINTMENT_REMINDER: ("when", "agency", "counter", "purpose", "calendar"),
    # privacy/: `reference` the request's number, `outcome` done|refused, `answer` the staff's words.
    Event.CORRECTION_HANDLED: ("reference", "outcome", "answer"),
    # accounts/: `when` an ISO datetime, `browser` "Chrome, Android" (may be empty), `ip` the address.
    Event.NEW_SIGN_IN: ("when", "browser", "ip"),
}

# Events told on one channel only, at the address the caller names (notify(channels=…)), whatever the
# person's choices: a code proving a phone number goes to that number and nowhere else. Their templates
# exist for that channel alone.
SINGLE_CHANNEL: dict[str, str] = {
    Event.PHONE_VERIFICATION: "sms",
    Event.AUTHORISATION_CODE: "sms",
    Event.FEEDBACK_CODE: "sms",
}

# Context keys that are never stored on the outbox row; the text that carries them is masked once it is sent
# (services.deliver), so the database keeps no usable code.
SECRET_CONTEXT_KEYS: dict[str, tuple[str, ...]] = {
    Event.PHONE_VERIFICATION: ("otp",),
    Event.AUTHORISATION_CODE: ("otp",),
    Event.FEEDBACK_CODE: ("otp",),
}
