"""What the portal's logs say and never say: each line carries the request id and the user id, and no
personal ID number, phone number or email address is written in clear (Decree 13/2023 on personal data).

`MaskingFilter` sits on every handler (settings.LOGGING, the gunicorn config, Sentry's before_send uses
`mask_personal_data` too), so it covers what any library logs. `RequestIdMiddleware` gives each request an
id (the caller's X-Request-ID when it looks like one, else a new one), echoes it in the response and puts it
in every line logged while the request runs. LOG_FORMAT=json (the default in production) writes one JSON
object a line; text is the embedded default's readable form.
"""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # settings.py imports this module (Sentry's masking): nothing of Django's at import time
    from django.http import HttpRequest, HttpResponse

# A citizen's personal identification number (CCCD, Decree 137/2015): 12 digits.
PERSONAL_ID = re.compile(r"(?<![\d*])\d{12}(?![\d*])")
# Vietnamese phone numbers: 0 or +84 (or 84) then 9 digits (mobile) or 10 (landline), spaces, dots or dashes
# allowed between digits.
PHONE = re.compile(r"(?<![\d+*])(\+84|84|0)((?:[ .-]?\d){9,10})(?![\d*])")
EMAIL = re.compile(
    r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b"
)
# X-Request-ID values kept as given: what proxies and load balancers generate (UUIDs, hex, base64url).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("request", default=None)


def _mask_id(match: re.Match[str]) -> str:
    digits = match.group(0)
    return f"{digits[:4]}{'*' * 6}{digits[-2:]}"


def _mask_phone(match: re.Match[str]) -> str:
    prefix, rest = match.group(1), re.sub(r"\D", "", match.group(2))
    if prefix == "0":
        return f"0{'*' * (len(rest) - 2)}{rest[-2:]}"
    return f"+84{'*' * (len(rest) - 2)}{rest[-2:]}"


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}***@{match.group(2)}"


def mask_personal_data(text: str) -> str:
    """The text with ID numbers (0012******45), phone numbers (0*******89) and emails (a***@example.vn)
    masked. IDs go first: a 12-digit ID starting with 0 must not be read as a phone number."""
    if not any(character.isdigit() or character == "@" for character in text):
        return text
    return PHONE.sub(_mask_phone, PERSONAL_ID.sub(_mask_id, EMAIL.sub(_mask_email, text)))


def mask_structure(value: Any) -> Any:
    """Every string inside dicts, lists and tuples masked (Sentry events, JSON extras)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {key: mask_structure(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_structure(item) for item in value)
    return value


# The attributes every LogRecord has, and RequestContextFilter's: anything else on a record came from
# `extra=` and is masked too.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "user_id",
}
_JSON_SCALARS = (int, float, bool, type(None))


class MaskingFilter(logging.Filter):
    """Masks personal data in the message (formatted with its arguments first: an ID passed as an int or
    inside an object's repr is caught too), in the traceback and in extras (an object given as an extra,
    like django.request's `request`, becomes its masked text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw message, masked
            message = str(record.msg)
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        for name, value in list(record.__dict__.items()):
            if name in _RECORD_ATTRIBUTES or isinstance(value, _JSON_SCALARS):
                continue
            if isinstance(value, str | dict | list | tuple):
                setattr(record, name, mask_structure(value))
            else:
                setattr(record, name, mask_personal_data(str(value)))
        return True


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to each record (`missing` when logged outside a request, or before the
    request's user was loaded: the filter never queries the database itself). Django logs a response's
    4xx/5xx after the middleware has returned: the request it passes as an extra still says whose it was.
    Runs before MaskingFilter, which turns that request into text."""

    def __init__(self, missing: str | None = "-") -> None:
        super().__init__()
        self.missing = missing

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get() or getattr(record, "request", None)
        record.request_id = _request_id.get() or getattr(request, "request_id", None) or self.missing
        user = getattr(request, "_cached_user", None)  # set once AuthenticationMiddleware ran
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        record.user_id = user_id if user_id is not None else self.missing
        return True


def current_request_id() -> str | None:
    return _request_id.get()


# --- Celery: a task's lines carry the id of the request that queued it ------------------------------------
# The message header that carries it, beside Celery's own (protocol 2 puts a message's headers on the
# worker's task.request).
TASK_REQUEST_ID_HEADER = "portal_request_id"
_task_tokens: dict[str, Token[str | None]] = {}


def request_id_into_task(headers: dict[str, Any] | None = None, **_signal: Any) -> None:
    """Celery's before_task_publish, in the process that queues: the request's id goes with the task."""
    request_id = _request_id.get()
    if headers is not None and request_id and TASK_REQUEST_ID_HEADER not in headers:
        headers[TASK_REQUEST_ID_HEADER] = request_id


def request_id_for_task(task_id: str | None = None, task: Any = None, **_signal: Any) -> None:
    """Celery's task_prerun: every line the task logs carries the id of the request that queued it, or the
    task's own id when nobody's request did (beat, a sweeper) — so a task's lines can be found together. A
    task run in-process (the embedded default) keeps the id of the request it runs in."""
    context = getattr(task, "request", None)
    headers = getattr(context, "headers", None) or {}  # where Celery puts them for a task applied in-process
    queued_by = getattr(context, TASK_REQUEST_ID_HEADER, None) or headers.get(TASK_REQUEST_ID_HEADER)
    if _request_id.get() is not None and not queued_by:
        return
    request_id = queued_by if queued_by and SANE_REQUEST_ID.fullmatch(str(queued_by)) else f"task-{task_id}"
    if task_id is not None:
        _task_tokens[task_id] = _request_id.set(request_id)


def request_id_after_task(task_id: str | None = None, **_signal: Any) -> None:
    """Celery's task_postrun: the worker's next task starts without this one's id."""
    token = _task_tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        _request_id.reset(token)


def request_id_from(header: str | None) -> str:
    """The caller's request id when it looks like one (a proxy's, so lines can be followed across
    systems), else a new one: a header is never trusted to be short or printable."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every line logged while the request runs carries its id, and the response
    says it (X-Request-ID), so a citizen's report of an error can be matched to the log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token, request_token = _request_id.set(request_id), _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(id_token)
            _request.reset(request_token)
        response["X-Request-ID"] = request_id
        return response
