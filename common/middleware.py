"""Guards every request passes: input the portal cannot store is refused before any view runs, and on
PostgreSQL no statement of a web request may hold the database longer than DB_STATEMENT_TIMEOUT_MS."""

import weakref
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import connection
from django.http import HttpRequest, HttpResponse

from .errors import database_busy, is_statement_timeout, refused_input

View = TypeVar("View", bound=Callable[..., Any])
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def accepts_any_input(view: View) -> View:
    """Lets a view receive what RejectMalformedInputMiddleware refuses, because it must record whatever
    arrived (the payment gateway's notification): the view then makes the values storable itself."""
    view.accepts_any_input = True  # type: ignore[attr-defined]
    return view


def _unreadable(raw: bytes) -> bool:
    """Percent-encoded text that holds a NUL character or is not UTF-8 once decoded."""
    decoded = unquote_to_bytes(raw)
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class RejectMalformedInputMiddleware:
    """Answers 400 to a request whose path, query string or form fields hold a NUL character, or whose
    query string or form-urlencoded body is not UTF-8. PostgreSQL refuses NUL in text (a 500 wherever such
    a value reached a query) and no field of the portal needs one; Django would turn invalid UTF-8 into
    U+FFFD silently (it does so in the path and in multipart fields, where it is harmless). Cookies
    holding a NUL are dropped (as if absent): the portal never sets one, and the session cookie is read
    before any view.

    A view reading its own body (csrf-exempt webhooks) keeps an unparsed multipart body: reading it here
    would consume the stream before the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name + value]:
            del request.COOKIES[name]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view, "accepts_any_input", False):
            return None
        if self._bad_path_or_query(request) or self._bad_form(request, view):
            return refused_input(request)
        return None

    @staticmethod
    def _bad_path_or_query(request: HttpRequest) -> bool:
        # Django decoded the path already, keeping bytes that are not UTF-8 as "%XX" text: only NUL is left.
        if "\x00" in request.path:
            return True
        try:
            query = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
        except UnicodeEncodeError:  # not as a WSGI server passes it (latin-1): text already
            query = request.META["QUERY_STRING"].encode()
        return _unreadable(query.replace(b"+", b" "))

    @staticmethod
    def _bad_form(request: HttpRequest, view: Callable[..., Any]) -> bool:
        content_type = request.content_type or ""
        if request.method in {"GET", "HEAD"} or content_type not in FORM_CONTENT_TYPES:
            return False
        if content_type == "application/x-www-form-urlencoded":
            return _unreadable(request.body.replace(b"+", b" "))
        if getattr(view, "csrf_exempt", False):
            return False
        fields = [text for key, values in request.POST.lists() for text in (key, *values)]
        fields += [upload.name or "" for _field, uploads in request.FILES.lists() for upload in uploads]
        return any("\x00" in text for text in fields)


# The connections (psycopg's, lent by the pool from request to request) whose session already holds a
# statement_timeout SET outside a transaction, and its value: their next requests send no SET.
_timeouts_in_force: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def forget_statement_timeouts() -> None:
    """For code that changes statement_timeout on a connection behind the middleware's back (RESET)."""
    _timeouts_in_force.clear()


class _StatementTimeout:
    """An execute wrapper: before the request's first statement on a connection, SET statement_timeout,
    unless the connection's session holds it from an earlier request (the pool lends the same connections
    again: a SET each request cost a round trip). Set outside a transaction it lasts for the session
    (`_timeouts_in_force`); set inside one, it holds until the transaction ends, and is set again after it
    (a rollback would undo it)."""

    def __init__(self, milliseconds: int) -> None:
        self.milliseconds = int(milliseconds)
        self.sql = f"SET statement_timeout = {self.milliseconds}"
        self.set_in_transaction_on: object | None = None

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        db = context["connection"]
        raw = db.connection
        held = _timeouts_in_force.get(raw) == self.milliseconds or (
            db.in_atomic_block and self.set_in_transaction_on is raw
        )
        if not held:
            with db.wrap_database_errors, raw.cursor() as cursor:
                cursor.execute(self.sql)
            if db.in_atomic_block:
                # Whether it outlives the transaction depends on how that ends: not known to hold.
                self.set_in_transaction_on = raw
                _timeouts_in_force.pop(raw, None)
            else:
                _timeouts_in_force[raw] = self.milliseconds
        return execute(sql, params, many, context)


class StatementTimeoutMiddleware:
    """On PostgreSQL, every statement a web request runs is cancelled after DB_STATEMENT_TIMEOUT_MS (0: no
    limit), and the cancelled request is answered 503 with Retry-After instead of a 500. Only web requests
    are limited: Celery workers, beat and management commands (migrations) never pass through here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        milliseconds = settings.DB_STATEMENT_TIMEOUT_MS
        if not milliseconds or connection.vendor != "postgresql":
            return self.get_response(request)
        with connection.execute_wrapper(_StatementTimeout(milliseconds)):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_busy(request) if is_statement_timeout(exception) else None
