"""Who opened my documents: every route that serves a file of a person (a dossier document, a slip, a
receipt, an e-result, a file of the data store, a shared link) writes one `DocumentAccess` row in the request
that serves it — the audit comes first: if the row cannot be written, the file is not served.

A view that serves such a file carries `@logs_document_access` (the URLconf-derived test in
tests/dossiers/test_access_log.py finds every file-serving view and fails on one without it) and calls
`record_request_access(request, ...)` once the file is ready, just before returning it. The decorator
refuses a file response whose access was not recorded during the call. Other apps (payments, postal,
e_results, the API) call this module: it is part of dossiers' services."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import Subquery
from django.http import FileResponse
from django.utils.crypto import salted_hmac

from accounts.models import AgencyMembership

from ..models import DocumentAccess, Dossier, StoredFile

if TYPE_CHECKING:
    from accounts.models import User

View = TypeVar("View", bound=Callable[..., Any])

# The rows recorded during the current call of a decorated view (None outside one).
_recorded: ContextVar[list[DocumentAccess] | None] = ContextVar("document_accesses", default=None)

SUPERUSER_ROLE = "superuser"


class AccessNotRecorded(RuntimeError):
    """A view marked `@logs_document_access` served a file without recording who opened it."""


def serves_a_file(response: Any) -> bool:
    """A successful response that hands over a file: streamed, or sent as an attachment or inline PDF."""
    if getattr(response, "status_code", None) != 200:
        return False
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


def logs_document_access(view: View) -> View:
    """Marks a view that serves a person's file (the test finds it through the URLconf by the
    `logs_document_access` attribute). A file response without a `record_access` call during the view
    is refused: the file is not served unlogged."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        rows: list[DocumentAccess] = []
        token = _recorded.set(rows)
        try:
            response = view(*args, **kwargs)
        finally:
            _recorded.reset(token)
        if serves_a_file(response) and not rows:
            if hasattr(response, "close"):
                response.close()
            raise AccessNotRecorded(f"{view.__module__}.{view.__qualname__} served a file without a log row")
        return response

    wrapper.logs_document_access = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def ip_digest(address: str) -> str:
    """A keyed hash of the client's address: two opens from one address can be matched, and an address an
    investigator holds can be checked against the log (with the server's key), but the log and its export
    never show the address itself (data minimisation, Decree 13/2023 art. 3)."""
    if not address:
        return ""
    return salted_hmac("dossiers.DocumentAccess.client_ip", address, algorithm="sha256").hexdigest()


def _agency_of_staff(user: User, dossier: Dossier | None) -> Any:
    """The agency a member of staff opened the file for: their membership among the dossier's receiving and
    handling agencies, read by the INSERT itself (a subquery) so that logging costs one statement."""
    if dossier is None or not user.is_staff_role:
        return None
    agencies = [a for a in (dossier.receiving_agency_id, dossier.handling_agency_id) if a is not None]
    if not agencies:
        return None
    memberships = AgencyMembership.objects.filter(user_id=user.pk, agency_id__in=agencies)
    return Subquery(memberships.order_by("pk").values("agency_id")[:1])


def record_access(
    *,
    what: str,
    file_name: str,
    route_name: str,
    user: Any = None,
    actor_name: str = "",
    via: str = DocumentAccess.Via.WEB,
    dossier: Dossier | None = None,
    stored_file: StoredFile | None = None,
    agency_id: int | None = None,
    client_ip: str = "",
) -> DocumentAccess:
    """Write the row of one file served: one INSERT. `user` is the signed-in person (None for the API or a
    shared link; `actor_name` then names the system); staff's agency comes from their membership unless
    `agency_id` is given. The data subject is the dossier's applicant, or the stored file's owner."""
    person = user if user is not None and user.is_authenticated else None
    if dossier is not None:
        subject_id = dossier.applicant_id
    else:
        subject_id = stored_file.owner_id if stored_file is not None else None
    access = DocumentAccess(
        user=person,
        actor_name=((person.full_name or person.email) if person is not None else actor_name)[:254],
        actor_role=_role(person),
        subject_id=subject_id,
        dossier=dossier,
        stored_file=stored_file,
        what=what,
        file_name=file_name[:255],
        route_name=route_name[:100],
        via=via,
        client_ip_hash=ip_digest(client_ip),
    )
    staff_agency = _agency_of_staff(person, dossier) if person is not None and agency_id is None else None
    access.agency_id = agency_id if staff_agency is None else staff_agency
    # One statement: no savepoint inside the request's transaction, a transaction of its own outside one.
    with transaction.atomic(savepoint=False):
        access.save()
    if staff_agency is not None:
        # The value is the database's: read again only if someone asks (a deferred field).
        del access.__dict__["agency_id"]
    rows = _recorded.get()
    if rows is not None:
        rows.append(access)
    return access


def record_request_access(request: Any, *, what: str, file_name: str, **details: Any) -> DocumentAccess:
    """`record_access` for the file a view is about to serve: the route, the signed-in person (unless
    `user` is given: None for a system) and the client's address are the request's. `details`: dossier,
    stored_file, via, actor_name, agency_id."""
    from common.http import client_ip

    details.setdefault("user", getattr(request, "user", None))
    return record_access(
        what=what,
        file_name=file_name,
        route_name=request.resolver_match.view_name,
        client_ip=client_ip(request),
        **details,
    )


def _role(person: Any) -> str:
    if person is None:
        return ""
    return SUPERUSER_ROLE if person.is_superuser else str(person.role)
