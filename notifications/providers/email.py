"""Email through Django's configured backend: files on the embedded default, SMTP, or any provider through
django-anymail in production (EMAIL_BACKEND="anymail.backends.<provider>.EmailBackend")."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from common.links import site_hostname

from .base import PermanentError, TransientError


def send_email(row) -> str:
    """Send one notification row; returns the provider's message id (anymail) or our Message-ID."""
    message_id = f"<{row.key}@{site_hostname()}>"
    message = EmailMessage(
        subject=f"{settings.NOTIFICATIONS_EMAIL_SUBJECT_PREFIX}{row.subject}",
        body=row.body,
        to=[row.address],
        headers={"Message-ID": message_id, "X-Portal-Notification": str(row.key)},
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:
        raise classify(error) from error
    status = getattr(message, "anymail_status", None)
    return getattr(status, "message_id", None) or message_id


def classify(error: Exception) -> Exception:
    """SMTP says 4xx for "try later" and 5xx for "never"; HTTP APIs (anymail) the other way round.
    Anything that is neither a provider answer nor a network failure is a bug and is raised as it is."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        temporary = codes and all(400 <= code < 500 for code in codes)
        return (TransientError if temporary else PermanentError)(f"SMTP refused recipients: {codes}")
    if isinstance(error, smtplib.SMTPResponseException):
        temporary = 400 <= error.smtp_code < 500
        return (TransientError if temporary else PermanentError)(
            f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        )
    status = getattr(error, "status_code", None)  # anymail's AnymailAPIError
    if isinstance(status, int):
        if status >= 500:
            return TransientError(f"Email API {status}: {error}")
        return PermanentError(f"Email API {status}: {error}")
    if type(error).__name__.startswith("Anymail"):
        # No HTTP status: anymail could not reach the API (AnymailRequestsAPIError) or refused the message
        # itself (invalid address, recipients refused, configuration).
        if type(error).__name__ == "AnymailRequestsAPIError":
            return TransientError(f"Email API unreachable: {error}")
        return PermanentError(f"{type(error).__name__}: {error}")
    if isinstance(error, OSError):  # timeouts, refused or dropped connections, SMTPServerDisconnected
        return TransientError(f"{type(error).__name__}: {error}")
    return error
