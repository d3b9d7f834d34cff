from django.conf import settings

from accounts.middleware import session_deadline


def site(request):
    deadline = session_deadline(request) if hasattr(request, "user") else None
    return {
        "SITE_NAME": "Cổng dịch vụ công",
        "session_deadline": int(deadline) if deadline else None,
        "session_warning_seconds": int(settings.SESSION_WARNING_BEFORE.total_seconds()),
    }
