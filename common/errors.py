"""Answers the portal gives when it refuses a request before any view ran (input it cannot store) or when
the database cancelled a statement that ran too long. The pages need no database: they are rendered
without the request's context processors, so they still work when the database is the problem."""

import logging
import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("portal.requests")

# SQLSTATE of query_canceled: statement_timeout reached (or pg_cancel_backend).
QUERY_CANCELED = "57014"
RETRY_AFTER_SECONDS = 30


def wants_json(request: HttpRequest) -> bool:
    """The API answers in JSON, as DRF does ({"detail": ...}); pages in HTML."""
    return request.path_info.startswith("/api/")  # after the script prefix, when mounted under a path


def plain_error(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    html = render_to_string("common/plain_error.html", {"title": title, "message": message})
    return HttpResponse(html, status=status)


def refused_input(request: HttpRequest) -> HttpResponse:
    return plain_error(
        request,
        status=400,
        title=_("The request cannot be read"),
        message=_(
            "The address or the form contains characters the portal does not accept (a NUL character, or "
            "bytes that are not UTF-8 text). Check what was typed or pasted, and try again."
        ),
    )


def is_statement_timeout(error: BaseException | None) -> bool:
    """A statement PostgreSQL cancelled (Django wraps psycopg's QueryCanceled in OperationalError)."""
    seen = 0
    while error is not None and seen < 5:
        if getattr(error, "sqlstate", None) == QUERY_CANCELED:
            return True
        error, seen = error.__cause__, seen + 1
    return False


def database_busy(request: HttpRequest) -> HttpResponse:
    logger.warning("Statement timeout: %s %s", request.method, request.path)
    response = plain_error(
        request,
        status=503,
        title=_("The portal is busy"),
        message=_("The portal is very busy and could not answer in time. Please try again in a minute."),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponse:
    """handler500: a statement cancelled by the timeout outside a view (in a middleware) is a 503 too."""
    if is_statement_timeout(sys.exc_info()[1]):
        return database_busy(request)
    return defaults.server_error(request, template_name)
