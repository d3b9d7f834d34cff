"""What an API client may read: the filed dossiers its agencies receive or handle (the queue's rule:
dossiers.selectors.AGENCY_COLUMNS), nothing else — another agency's dossier does not exist for it."""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dossiers import codes
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier, DossierDocument, DossierEvent, State

from .authentication import ClientIdentity

LIST_COLUMNS = ("procedure_version__procedure", "receiving_agency", "handling_agency")
# Never sent: the applicant's answers and the procedure's long texts.
LIST_DEFERRED = (
    "form_data",
    "procedure_version__applicant_requirements",
    "procedure_version__legal_basis",
    "procedure_version__search_text",
)


@dataclass(frozen=True)
class DossierFilters:
    agency: str = ""
    state: str = ""
    procedure: str = ""
    channel: str = ""
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    updated_since: datetime.datetime | None = None


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the portal's time zone: a range on the indexed column, not a date() of every row."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def client_dossiers(identity: ClientIdentity) -> QuerySet[Dossier]:
    """Every filed dossier an agency of the client receives or handles."""
    if not identity.agency_ids:
        return Dossier.objects.none()
    ids = sorted(identity.agency_ids)
    of_agencies = reduce(or_, (Q(**{f"{column}__in": ids}) for column in dossier_selectors.AGENCY_COLUMNS))
    return Dossier.objects.filter(of_agencies, submitted_at__isnull=False).exclude(state=State.DRAFT)


def filtered(dossiers: QuerySet[Dossier], filters: DossierFilters) -> QuerySet[Dossier]:
    if filters.agency:
        dossiers = dossiers.filter(
            reduce(or_, (Q(**{f"{c}__code": filters.agency}) for c in dossier_selectors.AGENCY_COLUMNS))
        )
    if filters.state:
        dossiers = dossiers.filter(state=filters.state)
    if filters.procedure:
        dossiers = dossiers.filter(procedure_version__procedure__national_code=filters.procedure)
    if filters.channel:
        dossiers = dossiers.filter(channel=filters.channel)
    if filters.submitted_from:
        dossiers = dossiers.filter(submitted_at__gte=_start_of(filters.submitted_from))
    if filters.submitted_to:
        next_day = filters.submitted_to + datetime.timedelta(days=1)
        dossiers = dossiers.filter(submitted_at__lt=_start_of(next_day))
    if filters.updated_since:
        dossiers = dossiers.filter(updated_at__gte=filters.updated_since)
    return dossiers


def dossier_list(identity: ClientIdentity, filters: DossierFilters) -> QuerySet[Dossier]:
    return filtered(client_dossiers(identity), filters).select_related(*LIST_COLUMNS).defer(*LIST_DEFERRED)


def dossier_list_branches(identity: ClientIdentity, filters: DossierFilters) -> list[QuerySet[Dossier]]:
    """The same dossiers as `dossier_list`, one query per agency column and agency: each can be read in
    filing order from its (agency, submitted_at, id) index and stopped after a page, which the OR of
    `dossier_list` cannot (PostgreSQL gathers and sorts every matching row of the agencies' history)."""
    filed = filtered(Dossier.objects.filter(submitted_at__isnull=False).exclude(state=State.DRAFT), filters)
    return [
        filed.filter(**{f"{column}_id": agency_id})
        for column in dossier_selectors.AGENCY_COLUMNS
        for agency_id in sorted(identity.agency_ids)
    ]


def dossier_by_code(identity: ClientIdentity, code: str) -> Dossier | None:
    return (
        client_dossiers(identity)
        .select_related(*LIST_COLUMNS)
        .defer(*LIST_DEFERRED)
        .filter(code=codes.as_stored(code))
        .order_by()
        .first()
    )


def status_history(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's steps without the staff-only ones (assignment, a proposal to a supervisor), as on the
    applicant's own pages."""
    internal = dossier_selectors.INTERNAL_ACTIONS
    return [event for event in dossier_selectors.timeline(dossier) if event.action not in internal]


def documents(dossier: Dossier) -> list[DossierDocument]:
    return list(
        dossier.documents.select_related("stored_file", "required_document").order_by(
            "kind", "required_document__position", "pk"
        )
    )


def document_of(identity: ClientIdentity, code: str, document_id: int) -> DossierDocument | None:
    return (
        DossierDocument.objects.filter(
            pk=document_id, dossier__in=client_dossiers(identity).filter(code=codes.as_stored(code))
        )
        .select_related("stored_file", "dossier")
        .first()
    )


def counts_by_state(identity: ClientIdentity, filters: DossierFilters) -> dict[str, int]:
    """Every filed state with its count (0 included), in one grouped query."""
    rows = (
        filtered(client_dossiers(identity), filters)
        .order_by()
        .values("state")
        .annotate(total=Count("pk"))
        .values_list("state", "total")
    )
    found = dict(rows)
    return {state: found.get(state, 0) for state in State.values if state != State.DRAFT}
