from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.middleware import session_deadline


def site(request):
    deadline = session_deadline(request) if hasattr(request, "user") else None
    return {
        "SITE_NAME": _("Public Service Portal"),
        "session_deadline": int(deadline) if deadline else None,
        "session_warning_seconds": int(settings.SESSION_WARNING_BEFORE.total_seconds()),
    }
