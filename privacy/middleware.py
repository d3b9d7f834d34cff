from django.shortcuts import redirect

from common.links import reversed_once

# Set at sign-in (receivers.check_notice_at_sign_in) when the citizen's last consent is to an older notice;
# cleared when they accept the one in force. Reading it costs no query on any page.
NEW_NOTICE_SESSION_KEY = "privacy_new_notice"

# Paths a citizen reaches without accepting a new notice first: the notice itself, signing out, assets, API
# (within the portal: after the script prefix when it is mounted under a path).
OPEN_PREFIXES = ("/static/", "/media/", "/api/", "/jsi18n/", "/i18n/", "/healthz", "/metrics", "/admin/")


class NewNoticeConsentMiddleware:
    """A citizen whose last consent is to an older privacy notice is sent to accept the one in force before
    anything else (page loads only: a form being sent is not lost)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(NEW_NOTICE_SESSION_KEY)
            and request.method == "GET"
            and request.user.is_authenticated
            and request.user.is_citizen
            and not self._open(request)
        ):
            return redirect(f"{reversed_once('privacy:accept')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        exempt = (
            reversed_once("privacy:notice"),
            reversed_once("privacy:accept"),
            reversed_once("account_logout"),
        )
        return request.path_info.startswith(OPEN_PREFIXES) or request.path in exempt
