from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import simple_mode
from accounts.middleware import session_deadline


def site(request):
    deadline = session_deadline(request) if hasattr(request, "user") else None
    simple = simple_mode.is_on(request)
    warning = settings.SESSION_WARNING_BEFORE_SIMPLE if simple else settings.SESSION_WARNING_BEFORE
    return {
        "SITE_NAME": _("Public Service Portal"),
        "session_deadline": int(deadline) if deadline else None,
        "session_warning_seconds": int(warning.total_seconds()),
        "simple_mode": simple,
    }
