"""Read queries shared by the citizen pages, the staff queue, the register and the API."""

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, connections, router
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import AgencyMembership, Role, User
from common import clock
from common.kept import kept, new_versions, versions
from common.links import absolute_url
from common.prepared import PreparedRead, PreparedReads

from . import codes, fee_lines, panels, policies, working_days
from .models import (
    CLOSED_STATES,
    LIVE_AUTHORISATIONS_HELD_SQL,
    OPEN_STATES,
    Arrival,
    Authorisation,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    LookupCodeGuard,
    State,
    StoredFile,
    StoredFileShare,
    SupplementRequest,
    _live_authorisations_held,
    live_authorisations_held_params,
)


def my_dossiers(user) -> QuerySet[Dossier]:
    return (
        Dossier.objects.owned_by(user)
        .select_related("procedure_version__procedure", "receiving_agency", "applicant", "filed_by")
        .order_by("-created_at")
    )


class DossiersFingerprint(NamedTuple):
    dossiers: int
    ids: int
    changed: datetime.datetime | None
    answers_late: int


# The fingerprint's statement for a citizen who holds no authorisation (almost every one): the aggregate the
# ORM builds from Dossier.objects.owned_by(user) in my_dossiers_fingerprint_through_orm, written out because
# building it cost the ORM ~2 ms a page, three times what PostgreSQL takes to answer. Its last column says
# whether they hold one after all (then the ORM's is asked). Parameters: "submitted", now,
# LIVE_AUTHORISATIONS_HELD_SQL's, then the user's id twice. tests/dossiers/test_owned_by_sql.py holds both
# equal.
_MY_DOSSIERS_FINGERPRINT_SQL = f"""
SELECT COUNT(*), COALESCE(SUM(id), 0), MAX(updated_at),
       COALESCE(SUM(CASE WHEN state = %s AND intake_deadline < %s THEN 1 ELSE 0 END), 0),
       EXISTS ({LIVE_AUTHORISATIONS_HELD_SQL})
FROM "dossiers_dossier"
WHERE applicant_id = %s OR (filed_by_id = %s AND authorisation_id IS NULL)
"""


def my_dossiers_fingerprint(user) -> DossiersFingerprint:
    """How many, which (the sum of their ids) and the latest change (every save sets updated_at, the
    services' update_fields included) of the dossiers my_dossiers() lists, and how many of them wait for an
    answer past its deadline (Dossier.intake_answer_late: the clock alone changes that): one aggregate
    query, and a different value whenever what the list shows changes."""
    if not user.is_authenticated or not user.is_active:
        return DossiersFingerprint(0, 0, None, 0)
    now = clock.now()
    database = connections[router.db_for_read(Dossier)]
    params = [
        State.SUBMITTED.value,
        database.ops.adapt_datetimefield_value(now),
        *live_authorisations_held_params(user, now, database),
        user.pk,
        user.pk,
    ]
    with database.cursor() as cursor:
        cursor.execute(_MY_DOSSIERS_FINGERPRINT_SQL, params)
        count, ids, changed, late, holds_authorisations = cursor.fetchone()
    if holds_authorisations:
        return my_dossiers_fingerprint_through_orm(user, now)
    return DossiersFingerprint(count, int(ids), _read_datetime(changed), late)


def my_dossiers_fingerprint_through_orm(user, now: datetime.datetime) -> DossiersFingerprint:
    owned = Dossier.objects.owned_by(user).order_by()
    late = Q(state=State.SUBMITTED, intake_deadline__lt=now)
    found = owned.aggregate(
        count=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"), late=Count("pk", filter=late)
    )
    return DossiersFingerprint(found["count"], int(found["ids"] or 0), found["changed"], found["late"])


def _read_datetime(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A datetime column read by raw SQL: SQLite gives its text (UTC), PostgreSQL a datetime."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        return parsed.replace(tzinfo=datetime.UTC) if parsed else None
    return value


DOSSIER_PAGE_RELATED = (
    "procedure_version__procedure",
    "procedure_version__field",
    "receiving_agency",
    "handling_agency",
    "assignee",
    "applicant",
    "filed_by",
    "rule_set",
)


def _staff_member(user_id: int) -> User:
    """What Dossier.objects.visible_to reads of a member of staff who is not a superuser: the id."""
    return User(pk=user_id, role=Role.CLERK, is_active=True, is_superuser=False)


def arrivals_new_to(user_id: int, dossier_id: Any, agency_ids: Any) -> QuerySet[Arrival]:
    """A dossier's arrivals at `agency_ids` that the user did not send: what is new to them there, what
    opening the dossier's page clears (services.mark_seen)."""
    return Arrival.objects.filter(dossier_id=dossier_id, agency_id__in=agency_ids).exclude(sent_by_id=user_id)


def new_to_viewer(user_id: int) -> Exists:
    """Whether the dossier is new to one of the viewer's agencies that it was filed with or handed to."""
    mine = AgencyMembership.objects.filter(user_id=user_id).values("agency_id")
    return Exists(
        arrivals_new_to(user_id, OuterRef("pk"), mine).filter(
            Q(agency_id=OuterRef("receiving_agency_id")) | Q(agency_id=OuterRef("handling_agency_id"))
        )
    )


# The staff dossier page's read, compiled once per process (common.prepared). Unordered, as `.get()` reads.
# `new_to_viewer`: mark_seen then deletes nothing, without a statement, once the viewer's agencies saw it.
STAFF_DOSSIER_PAGE_READ = PreparedRead(
    "a dossier as a member of staff sees it",
    lambda user_id, pk: (
        Dossier.objects.visible_to(_staff_member(user_id))
        .select_related(*DOSSIER_PAGE_RELATED)
        .annotate(new_to_viewer=new_to_viewer(user_id))
        .filter(pk=pk)
        .order_by()
    ),
    (int, int),
)


def dossier_for(user, pk: int) -> Dossier | None:
    """The dossier `pk` if the user may see it (Dossier.objects.visible_to), with what its pages show.
    `.get()`, which reads without ordering, not `.first()`, which orders: ordering a ten-table select costs
    the ORM milliseconds for one row."""
    staff = user.is_authenticated and user.is_active and user.is_staff_role and not user.is_superuser
    if staff and type(pk) is int:
        return STAFF_DOSSIER_PAGE_READ.one(user.pk, pk)
    try:
        return Dossier.objects.visible_to(user).select_related(*DOSSIER_PAGE_RELATED).get(pk=pk)
    except Dossier.DoesNotExist:
        return None


OWN_DOSSIER_RELATED = (
    "procedure_version__procedure",
    "receiving_agency",
    "handling_agency",
    "rule_set",
    "filed_by",
)


def own_dossier(user, pk: int, *, related: tuple[str, ...] = OWN_DOSSIER_RELATED) -> Dossier:
    """A dossier the user owns, for the citizen's pages (theirs and other apps'); anyone else's is a 404.
    `related`: the rows read with it (a page that only hands the dossier to a service that locks and reads
    it again asks for fewer: each join costs the ORM a millisecond or more)."""
    if not (user.is_authenticated and user.is_active):
        raise Http404
    # The authorisations the user holds as a helper, read once: almost always none, and then the query is
    # the same for every citizen and compiled once per process (common.prepared).
    held = _live_authorisations_held(user, router.db_for_read(Dossier))
    if not held and type(pk) is int:
        found = OWN_DOSSIER_READS[related].one(user.pk, pk)
        if found is None:
            raise Http404
        return found
    try:
        return Dossier.objects.owned_by(user, held=held).select_related(*related).get(pk=pk)
    except Dossier.DoesNotExist:
        raise Http404 from None


# own_dossier's read for a citizen who helps nobody, by the related rows a page reads with it: owned_by
# itself, for a stand-in of the citizen (what owned_by reads of them is their id).
OWN_DOSSIER_READS: PreparedReads[Dossier] = PreparedReads(
    lambda related: f"a citizen's own dossier, with {', '.join(related) or 'nothing else'}",
    lambda related: (
        lambda user_id, pk: (
            Dossier.objects.owned_by(User(pk=user_id, role=Role.CITIZEN, is_active=True), held=())
            .select_related(*related)
            .filter(pk=pk)
            .order_by()
        )
    ),
    (int, int),
)


def lookup_url(dossier: Dossier) -> str:
    """The public status lookup of a dossier, prefilled with its code: what the QR codes on slips and
    receipts point to."""
    return absolute_url(f"{reverse('dossiers:lookup')}?{urlencode({'code': dossier.code or ''})}")


TIMELINE_READ = PreparedRead(
    "a dossier's events, oldest first",
    lambda dossier_id: (
        DossierEvent.objects.filter(dossier_id=dossier_id)
        .select_related("agency", "from_agency", "to_agency")
        .order_by("at", "pk")
    ),
    (int,),
)


def timeline(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's events, oldest first, with their agencies (one statement compiled once per process)."""
    return TIMELINE_READ(dossier.pk, known={"dossier": dossier})


DOCUMENTS_READ = PreparedRead(
    "a dossier's documents, with their files, who attested them and what each answers",
    lambda dossier_id: DossierDocument.objects.filter(dossier_id=dossier_id).select_related(
        "stored_file__attested_by", "required_document"
    ),
    (int,),
)


def documents(dossier: Dossier) -> list[DossierDocument]:
    """The dossier's documents in their order (kind, position), with their files, who attested them and
    the required document each answers."""
    return DOCUMENTS_READ(dossier.pk, known={"dossier": dossier})


SUPPLEMENT_REQUESTS_READ = PreparedRead(
    "a dossier's supplement requests, with who asked, who approved and their items",
    lambda dossier_id: (
        SupplementRequest.objects.filter(dossier_id=dossier_id)
        .select_related("requested_by", "approved_by")
        .prefetch_related("items")
    ),
    (int,),
)


def load_supplement_requests(dossier: Dossier) -> list[SupplementRequest]:
    """The dossier's supplement requests, also left where prefetch_related("supplement_requests") leaves
    them (the dossier's prefetch cache): the actions' policy reads from there whether one is proposed."""
    requests = SUPPLEMENT_REQUESTS_READ(dossier.pk, known={"dossier": dossier})
    loaded: Any = dossier.supplement_requests.all()
    loaded._result_cache, loaded._prefetch_done = requests, True  # as prefetch_related_objects leaves it
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    setattr(dossier, "_prefetched_objects_cache", {**cache, "supplement_requests": loaded})  # noqa: B010
    return requests


def timeline_for_sentences(dossier: Dossier) -> list[DossierEvent]:
    """The events timeline.plain_timeline turns into sentences, with only the columns it reads."""
    return TIMELINE_FOR_SENTENCES_READ(dossier.pk, known={"dossier": dossier})


TIMELINE_FOR_SENTENCES_READ = PreparedRead(
    "a dossier's events, as sentences need them",
    lambda dossier_id: (
        DossierEvent.objects.filter(dossier_id=dossier_id)
        .select_related("agency", "from_agency", "to_agency")
        .only(
            "dossier",  # set to the dossier the caller holds: read first, so not deferred
            "action",
            "from_state",
            "to_state",
            "at",
            "note",
            "data",
            "agency__name",
            "from_agency__name",
            "to_agency__name",
        )
        .order_by("at", "pk")
    ),
    (int,),
)


# Staff-only steps: who was assigned, a proposal waiting for a supervisor. Not the applicant's business: left
# out of the applicant's pages, the public lookup and the API's status history.
INTERNAL_ACTIONS = {
    DossierEvent.Action.ASSIGN,
    DossierEvent.Action.PROPOSE_SUPPLEMENT,
    DossierEvent.Action.REJECT_SUPPLEMENT,
}


class QueueView:
    NEW = "new"
    MINE = "mine"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUPPLEMENT = "supplement"
    IN_PROGRESS = "in_progress"
    ALL = "all"
    CHOICES = [NEW, MINE, DUE_SOON, OVERDUE, SUPPLEMENT, IN_PROGRESS, ALL]


@dataclass(frozen=True)
class QueueFilter:
    condition: Q
    label: str


def queue_filters(user, today: datetime.date | None = None) -> dict[str, Q]:
    today = today or clock.localdate()
    soon = working_days.add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    return {
        QueueView.NEW: Q(state=State.SUBMITTED),
        QueueView.MINE: Q(assignee=user, state__in=OPEN_STATES),
        QueueView.DUE_SOON: Q(
            state__in=[State.RECEIVED, State.IN_PROGRESS], due_date__gte=today, due_date__lte=soon
        ),
        QueueView.OVERDUE: Q(state__in=OPEN_STATES, due_date__lt=today)
        & ~Q(state=State.SUPPLEMENT_REQUESTED),
        # A proposal waits for a supervisor only while the dossier is processed (it cannot be approved after).
        # IN over the few proposed requests (a partial index), not EXISTS per row: EXISTS made PostgreSQL
        # probe the requests of every dossier in progress at the agency; a join would repeat dossiers.
        QueueView.SUPPLEMENT: Q(state=State.SUPPLEMENT_REQUESTED)
        | Q(
            state=State.IN_PROGRESS,
            pk__in=SupplementRequest.objects.filter(status=SupplementRequest.Status.PROPOSED).values(
                "dossier_id"
            ),
        ),
        QueueView.IN_PROGRESS: Q(
            state__in=[State.RECEIVED, State.IN_PROGRESS, State.APPROVED, State.RESULT_READY]
        ),
        QueueView.ALL: Q(),
    }


def _agency_dossiers(user, agency) -> QuerySet[Dossier]:
    """The filed dossiers an agency receives or handles, for one of its staff (nothing for anyone else).
    Not visible_to(): its OR over every agency of the user keeps PostgreSQL from using the agency indexes."""
    if not policies.works_at(user, agency):
        return Dossier.objects.none()
    return Dossier.objects.filter(Q(receiving_agency=agency) | Q(handling_agency=agency)).exclude(
        state=State.DRAFT
    )


QUEUE_COLUMNS = ("procedure_version__procedure", "assignee", "receiving_agency", "handling_agency")
# What no queue row shows: the applicant's answers (JSON decoded per row) and the procedure's long texts.
QUEUE_DEFERRED = (
    "form_data",
    "procedure_version__applicant_requirements",
    "procedure_version__legal_basis",
    "procedure_version__search_text",
)
AGENCY_COLUMNS = ("receiving_agency", "handling_agency")
WORK_ORDERS: dict[str, list[Any]] = {
    "due_date": [F("due_date").asc(nulls_last=True), "intake_deadline", "submitted_at"],
    "-due_date": [F("due_date").desc(nulls_last=True), "-submitted_at"],
    "submitted_at": ["submitted_at"],
    "-submitted_at": ["-submitted_at"],
    "code": ["code"],
}
# No new dossier has a due date yet; ordering by it would make PostgreSQL walk the due-date index past
# every received dossier of the province to reach the NULLs. Those still waiting for an at-filing fee have
# no answer deadline yet: after the others.
NEW_ORDERS: dict[str, list[Any]] = WORK_ORDERS | {
    "due_date": [F("intake_deadline").asc(nulls_last=True), "submitted_at"],
    "-due_date": [F("intake_deadline").desc(nulls_last=True), "-submitted_at"],
}


def _queue_ordering(view: str, order: str) -> list:
    orders = NEW_ORDERS if view == QueueView.NEW else WORK_ORDERS
    return [*orders.get(order, orders["due_date"]), "pk"]


def _tab(user, view: str) -> Q:
    filters = queue_filters(user)
    return filters.get(view, filters[QueueView.NEW])


def agency_queue(user, agency, view: str, order: str = "due_date") -> QuerySet[Dossier]:
    """A clerk's or officer's work list for one of their agencies, as one query (reminders, tests); the
    queue page reads it through queue_page()."""
    return (
        _agency_dossiers(user, agency)
        .filter(_tab(user, view))
        .select_related(*QUEUE_COLUMNS)
        .defer(*QUEUE_DEFERRED)
        .order_by(*_queue_ordering(view, order))
    )


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue tab, without a total: `next_query` / `previous_query` are the GET parameters of
    the neighbouring pages (None when there is none); `number` is None on the history tab."""

    dossiers: list[Dossier]
    number: int | None
    next_query: dict[str, str] | None
    previous_query: dict[str, str] | None


MAX_QUEUE_PAGE = 400  # 10,000 open dossiers; deeper is the register's job


def queue_page(user, agency, view: str, order: str, params, per_page: int = 25) -> QueuePage:
    """The page of a queue tab the GET `params` ask for ("page" on the work tabs, "after" on the history).

    A dossier is an agency's when it receives OR handles it; one query with that OR makes PostgreSQL
    gather and sort every matching row. Each agency column is read on its own instead, in the page's
    order from its index, as far as the page needs; a third query reads the page's rows from the union."""
    if view == QueueView.ALL:
        return _history_page(user, agency, order, params.get("after", ""), per_page)
    try:
        number = min(max(int(params.get("page", "1")), 1), MAX_QUEUE_PAGE)
    except (TypeError, ValueError):
        number = 1
    offset, end = (number - 1) * per_page, number * per_page + 1
    ordering = _queue_ordering(view, order)
    tab = Dossier.objects.exclude(state=State.DRAFT).filter(_tab(user, view))
    candidates: set[int] = set()
    if policies.works_at(user, agency):
        received, handled = (
            tab.filter(**{column: agency}).order_by(*ordering).values_list("pk", flat=True)[:end]
            for column in AGENCY_COLUMNS
        )
        if connection.features.supports_slicing_ordering_in_compound:
            candidates.update(received.union(handled, all=True))  # one round trip (PostgreSQL)
        else:
            candidates.update(received)
            candidates.update(handled)
    page_ids = candidates
    if offset:
        # A deep page: order the candidates' narrow rows first, then read only the page's full rows.
        ordered = Dossier.objects.filter(pk__in=candidates).order_by(*ordering).values_list("pk", flat=True)
        page_ids = set(ordered[offset:end])
    rows = list(
        Dossier.objects.filter(pk__in=page_ids)
        .select_related(*QUEUE_COLUMNS)
        .defer(*QUEUE_DEFERRED)
        .order_by(*ordering)
    )
    return QueuePage(
        dossiers=rows[:per_page],
        number=number,
        next_query={"page": str(number + 1)} if len(rows) > per_page and number < MAX_QUEUE_PAGE else None,
        previous_query={"page": str(number - 1)} if number > 1 else None,
    )


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    at, _, pk = cursor.partition("_")
    try:
        moment = datetime.datetime.fromisoformat(at)
        number = int(pk)
    except ValueError:
        return None
    return (moment, number) if timezone.is_aware(moment) and 0 < number < 2**62 else None


def _history_page(user, agency, order: str, cursor: str, per_page: int) -> QueuePage:
    """The agency's whole history, newest (or oldest) filed first, by a cursor: each agency column read from
    its (agency, submitted_at, id) index from the cursor on, merged — two short index scans whatever the
    length of the history, and no count."""
    newest_first = order != "submitted_at"
    after = _parse_cursor(cursor) if cursor else None
    ordering = ["-submitted_at", "-pk"] if newest_first else ["submitted_at", "pk"]
    rows: dict[int, Dossier] = {}
    if policies.works_at(user, agency):
        for column in AGENCY_COLUMNS:
            # A dossier received and handled here is in both: kept once. (Excluding it from the second
            # branch in SQL would make PostgreSQL read the handling index past every such dossier.)
            branch = Dossier.objects.exclude(state=State.DRAFT).filter(
                **{column: agency}, submitted_at__isnull=False
            )
            if after is not None:
                at, pk = after
                if newest_first:
                    branch = branch.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk))
                else:
                    branch = branch.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk))
            for dossier in (
                branch.select_related(*QUEUE_COLUMNS)
                .defer(*QUEUE_DEFERRED)
                .order_by(*ordering)[: per_page + 1]
            ):
                rows[dossier.pk] = dossier
    merged = sorted(rows.values(), key=lambda d: (d.submitted_at, d.pk), reverse=newest_first)
    page, more = merged[:per_page], len(merged) > per_page
    last = page[-1] if page else None
    return QueuePage(
        dossiers=page,
        number=None,
        next_query={"after": f"{last.submitted_at.isoformat()}_{last.pk}"}
        if more and last and last.submitted_at
        else None,
        previous_query={} if cursor else None,
    )


def _queue_version_key(agency_id: int) -> str:
    return f"dossiers:queue-version:{agency_id}"


def forget_agency_queues(*agency_ids: int | None) -> None:
    """Called after a change to the agencies' dossiers commits: their tab counts and kept queue pages are
    read anew."""
    new_versions(*(_queue_version_key(pk) for pk in agency_ids if pk is not None))


def agency_versions(agency_ids) -> tuple[str, ...]:
    """The queue versions of several agencies (forget_agency_queues changes them), in the order of their
    ids: in every cached count and page key."""
    return versions(*(_queue_version_key(pk) for pk in sorted(set(agency_ids))))


def queue_counts(user, agency, version: str | None = None) -> dict[str, int]:
    """The tab counts of the open work (the "all" tab, the agency's whole history, gets none). Cached until a
    change to the agency's dossiers commits (forget_agency_queues) or QUEUE_COUNTS_STALE_SECONDS pass — the
    staleness left is the day's clock (due soon / overdue move at midnight) and rows changed outside the
    services (a bulk import); one query over the agency's open dossiers otherwise."""
    version = version or agency_versions([agency.pk])[0]
    return kept(
        "dossiers:queue-counts",
        (agency.pk, user.pk, clock.localdate(), version),
        lambda: _count_queues(user, agency),
        settings.QUEUE_COUNTS_STALE_SECONDS,
    )


def _count_queues(user, agency) -> dict[str, int]:
    filters = queue_filters(user)
    base = _agency_dossiers(user, agency).filter(state__in=OPEN_STATES)
    aggregates = {
        view: Count("pk", filter=condition) for view, condition in filters.items() if view != QueueView.ALL
    }
    return base.aggregate(**aggregates)


# The work tabs in the order the queue lists them: the first one with dossiers is where a queue opens.
WORK_TABS = [
    QueueView.NEW,
    QueueView.MINE,
    QueueView.DUE_SOON,
    QueueView.OVERDUE,
    QueueView.SUPPLEMENT,
    QueueView.IN_PROGRESS,
]


def first_busy_tab(counts: dict[str, int]) -> str | None:
    """The first work tab with dossiers in it (None: no open work), so a queue never opens on an empty tab."""
    return next((view for view in WORK_TABS if counts.get(view)), None)


def open_work(counts: dict[str, int]) -> int:
    """How much open work an agency has: new filings, dossiers being processed, supplements pending."""
    return sum(counts.get(view) or 0 for view in (QueueView.NEW, QueueView.IN_PROGRESS, QueueView.SUPPLEMENT))


def agencies_by_work(user) -> list[tuple[Any, dict[str, int]]]:
    """The user's agencies with their tab counts (cached: queue_counts), the busiest first, then by name."""
    memberships = user.memberships.select_related("agency").order_by("agency__name")
    rows = [(membership, queue_counts(user, membership.agency)) for membership in memberships]
    return sorted(rows, key=lambda row: -open_work(row[1]))


def busiest_queue(user) -> tuple[Any, str] | None:
    """Where a member of staff starts after signing in: the agency with the most open work and its first
    non-empty tab; None when none of their agencies has any."""
    for membership, counts in agencies_by_work(user):
        view = first_busy_tab(counts)
        if view is not None:
            return membership.agency, view
    return None


PUBLIC_LOOKUP_COLUMNS = (
    "code",
    "state",
    "channel",
    "received_at",
    "due_date",
    "applicant_phone",
    "applicant_id_number",
    "procedure_version__name",
    "receiving_agency__name",
)


def public_lookup(code: str, secret: str) -> Dossier | None:
    """A dossier by code and the last 4 digits of the applicant's phone or ID number — both must match,
    and a miss says nothing about whether the code exists."""
    code = codes.as_stored(code)
    if not code or not _well_formed_secret(secret.strip()):
        return None
    dossier = _first(_lookup_candidates(code))
    return dossier if dossier is not None and secret_matches(dossier, secret) else None


class LookupCandidate(NamedTuple):
    """The dossier a public lookup of a code may show (before its 4 digits are checked), or None; and when
    that dossier's code is locked, the end of the lock (None when no dossier has the code: see
    services.lookups.look_up)."""

    dossier: Dossier | None
    code_locked_until: datetime.datetime | None


def code_lock_ends(
    code: str, now: datetime.datetime
) -> "QuerySet[LookupCodeGuard, datetime.datetime | None]":
    """The end of the lookup lock on this code (`codes.as_stored`) when it lasts beyond `now`: no row
    otherwise, whether or not a dossier has the code. [:1], not first(): the code is unique, an ORDER BY
    would only cost its compiling on every lookup."""
    return LookupCodeGuard.objects.filter(code=code, locked_until__gt=now).values_list(
        "locked_until", flat=True
    )[:1]


def public_lookup_candidate(code: str, *, now: datetime.datetime) -> LookupCandidate:
    """One read: the dossier with this code that a public lookup may show, with its code's lock when the
    lock lasts beyond `now`."""
    code = codes.as_stored(code)
    if not code:
        return LookupCandidate(None, None)
    dossier = LOOKUP_CANDIDATE_READ.one(code, now)
    locked_until = dossier.code_locked_until if dossier is not None else None  # type: ignore[attr-defined]
    return LookupCandidate(dossier, locked_until)


# The ORDER BY that first() adds is left out: the code is unique, there is nothing to order.
LOOKUP_CANDIDATE_READ = PreparedRead(
    "the dossier a public lookup of a code may show, with the code's lock",
    lambda code, now: (
        _lookup_candidates(code)
        .annotate(code_locked_until=Subquery(code_lock_ends(code, now)))
        .order_by()[:1]
    ),
    (str, datetime.datetime),
)


def _lookup_candidates(code: str) -> QuerySet[Dossier]:
    """The dossier with this code (`codes.as_stored`), if filed (never a draft), with only what the page
    and the API's status show (~15 columns, not ~150)."""
    return (
        Dossier.objects.filter(code=code)
        .exclude(state=State.DRAFT)
        .select_related("procedure_version", "receiving_agency")
        .only(*PUBLIC_LOOKUP_COLUMNS)
    )


def _first(dossiers: QuerySet[Dossier]) -> Dossier | None:
    """The one row, without the ORDER BY that first() adds (the code is unique: nothing to order, and
    compiling it costs)."""
    return next(iter(dossiers.order_by()[:1]), None)


def secret_matches(dossier: Dossier, secret: str) -> bool:
    """The 4 digits only the applicant knows: the end of their phone number or of their ID number."""
    secret = secret.strip()
    return _well_formed_secret(secret) and (
        dossier.applicant_phone.endswith(secret) or dossier.applicant_id_number.endswith(secret)
    )


def _well_formed_secret(secret: str) -> bool:
    return len(secret) == 4 and secret.isdigit()


def register(user, agency, *, date_from=None, date_to=None, state: str = "", procedure_code: str = ""):
    """Sổ theo dõi hồ sơ: every dossier received by or handled at an agency, filterable."""
    dossiers = Dossier.objects.visible_to(user).filter(Q(receiving_agency=agency) | Q(handling_agency=agency))
    dossiers = dossiers.exclude(state=State.DRAFT)
    if date_from:
        dossiers = dossiers.filter(submitted_at__date__gte=date_from)
    if date_to:
        dossiers = dossiers.filter(submitted_at__date__lte=date_to)
    if state:
        dossiers = dossiers.filter(state=state)
    if procedure_code:
        dossiers = dossiers.filter(procedure_version__procedure__national_code=procedure_code)
    return dossiers.select_related(
        "procedure_version__procedure", "receiving_agency", "handling_agency", "assignee"
    ).order_by("submitted_at", "pk")


def dossiers_per_procedure(procedure_ids: list[int], *, since: datetime.date, agency=None) -> dict[int, int]:
    """Dossiers filed since `since` per procedure (every version), received or handled by `agency` (the
    whole province when None): the catalogue advisor's ranking, in one aggregate query."""
    if not procedure_ids:
        return {}
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    dossiers = Dossier.objects.filter(
        submitted_at__gte=start, procedure_version__procedure_id__in=procedure_ids
    ).exclude(state=State.DRAFT)
    if agency is not None:
        dossiers = dossiers.filter(Q(receiving_agency=agency) | Q(handling_agency=agency))
    rows = (
        dossiers.order_by()
        .values("procedure_version__procedure_id")
        .annotate(filed=Count("pk"))
        .values_list("procedure_version__procedure_id", "filed")
    )
    return dict(rows)


def is_closed(dossier: Dossier) -> bool:
    return dossier.state in CLOSED_STATES


# The applicant's sentence for each state (msgids shared with the translations of the old template).
STATE_SENTENCES = {
    State.DRAFT: _("Not filed yet. Your answers are saved: continue when you are ready."),
    State.SUBMITTED: _("Filed. The one-stop shop checks it and answers by %(time)s."),
    State.SUPPLEMENT_REQUESTED: _(
        "The agency needs more from you before it can continue: see below what to add."
    ),
    State.RECEIVED: _("Received by the one-stop shop. The result is due on %(date)s."),
    State.IN_PROGRESS: _("Being processed by %(agency)s. The result is due on %(date)s."),
    State.APPROVED: _("Approved. The result is being prepared for you."),
    State.RESULT_READY: _("The result is ready."),
    State.RETURNED: _("The result was returned to you."),
    State.DENIED: _("Denied. The agency's reasons are below."),
    State.REFUSED: _("The one-stop shop refused the dossier. The reason is below."),
    State.STOPPED: _("Processing was stopped. The reason is below."),
    State.WITHDRAWN: _("You withdrew this dossier."),
}
# Filed, but fees due at filing are unpaid: the 8 working hours have not started, so there is no time yet.
FILED_BEFORE_FEES = _(
    "Filed. Pay the fees online: the one-stop shop checks the dossier once they are paid, within 8 working "
    "hours."
)


INTAKE_ANSWER_LATE = _("Filed. The one-stop shop should have answered by %(time)s: its answer is late.")


def state_sentence(dossier: Dossier) -> str:
    """The state of a dossier in one plain sentence, for its applicant, in the active language; never a
    promise of a time already past."""
    if dossier.state == State.SUBMITTED and not dossier.awaits_intake_answer:
        return str(FILED_BEFORE_FEES)
    deadline = dossier.intake_deadline
    if dossier.intake_answer_late():
        return str(INTAKE_ANSWER_LATE) % {
            "time": dateformat.format(timezone.localtime(deadline), "H:i d/m/Y")
        }
    agency = dossier.handling_agency if dossier.handling_agency_id else None
    return STATE_SENTENCES[State(dossier.state)] % {
        "time": dateformat.format(timezone.localtime(deadline), "H:i d/m/Y") if deadline else "",
        "date": dateformat.format(dossier.due_date, "d/m/Y") if dossier.due_date else "",
        "agency": agency.name if agency else "",
    }


# The states whose label is a sentence, as the queue's one-line rows name them.
SHORT_STATE_LABELS = {
    State.SUBMITTED: pgettext_lazy("short dossier state", "To be received"),
    State.SUPPLEMENT_REQUESTED: pgettext_lazy("short dossier state", "Awaiting supplement"),
}


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    intake_late: bool
    due_flag: str  # "overdue", "due_soon" or ""
    flags: tuple[panels.QueueFlag, ...] = ()
    is_new: bool = False  # new to the agency: filed with it or handed to it, not opened there yet

    @property
    def state_label(self) -> str:
        """The state in a word or two (a queue line is one line): the long labels shortened."""
        short = SHORT_STATE_LABELS.get(self.dossier.state)
        return str(short) if short else self.dossier.state_label


def queue_rows(dossiers, agency=None, now: datetime.datetime | None = None) -> list[QueueRow]:
    """A page of the queue as rows: the late answer, overdue / due soon, new to `agency` (one query for the
    page), and the flags other apps registered (one query per flag for the whole page)."""
    now = now or clock.now()
    today = timezone.localdate(now)
    soon = working_days.add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    page = list(dossiers)
    flags = panels.queue_flags(page)
    new_here = new_to(agency, page)
    rows = []
    for dossier in page:
        due_flag = ""
        if dossier.is_overdue(today):
            due_flag = "overdue"
        elif (
            dossier.state in {State.RECEIVED, State.IN_PROGRESS}
            and dossier.due_date
            and dossier.due_date <= soon
        ):
            due_flag = "due_soon"
        rows.append(
            QueueRow(
                dossier=dossier,
                intake_late=dossier.intake_answer_late(now),
                due_flag=due_flag,
                flags=tuple(flags.get(dossier.pk, ())),
                is_new=dossier.pk in new_here,
            )
        )
    return rows


def new_to(agency, dossiers) -> set[int]:
    """The ids among `dossiers` that are new to `agency` (services.arrivals): one query for a whole page."""
    ids = [dossier.pk for dossier in dossiers]
    if agency is None or not ids:
        return set()
    return set(Arrival.objects.filter(agency=agency, dossier_id__in=ids).values_list("dossier_id", flat=True))


def reusable_files(user, limit: int = 300) -> list[StoredFile]:
    """The applicant's data store, newest first, one entry per identical content: what the filing and
    supplement pages offer to reuse."""
    seen, files = set(), []
    for stored in (
        StoredFile.objects.filter(owner=user).select_related("kind").order_by("-uploaded_at", "-pk")[:limit]
    ):
        if stored.sha256 not in seen:
            seen.add(stored.sha256)
            files.append(stored)
    return files


def store_offers(
    files: list[StoredFile], required_documents, documents, day: datetime.date
) -> dict[int, StoredFile]:
    """What the documents step pre-attaches from the data store: for each slot naming a document kind and
    still empty, the newest paper of that kind valid on `day` (`files`: `reusable_files`, newest first).
    Keyed by the slot's pk."""
    filled = {document.required_document_id for document in documents}
    newest: dict[int, StoredFile] = {}
    for stored in files:
        if stored.kind_id and stored.is_valid_on(day):
            newest.setdefault(stored.kind_id, stored)
    return {
        required.pk: newest[required.kind_id]
        for required in required_documents
        if required.kind_id in newest and required.pk not in filled
    }


def share_by_token(token: str) -> StoredFileShare | None:
    """The shared link named by `token` (live or not: the page says which), with its file."""
    if not token or len(token) > 64:
        return None
    return StoredFileShare.objects.select_related("stored_file").filter(token=token).first()


def live_shares(user) -> dict[int, list[StoredFileShare]]:
    """The owner's links still live, by stored file: the data store page lists them with "revoke"."""
    shares: dict[int, list[StoredFileShare]] = {}
    rows = StoredFileShare.objects.filter(
        stored_file__owner=user, revoked_at__isnull=True, expires_at__gt=clock.now()
    ).order_by("expires_at")
    for share in rows:
        shares.setdefault(share.stored_file_id, []).append(share)
    return shares


def due_fee_lines(dossier: Dossier) -> list[fee_lines.FeeLine]:
    """What the dossier owes and why, line by line (the rule that computed `fee_total`: the online-filing
    discount when filed online, the lines its form answers call for); a line charged for no unit (e.g. a
    third copy nobody asked for) is left out."""
    lines = fee_lines.lines(
        dossier.procedure_version.fees.all(),
        online=dossier.channel == Channel.ONLINE,
        form_data=dossier.form_data,
    )
    return [line for line in lines if line.units]


# --- acting on behalf (ủy quyền) ---------------------------------------------------------------------------
def authorisations_given(user) -> list[Authorisation]:
    """The citizen's authorisations, waiting ones first, then in force, then ended."""
    rows = list(
        Authorisation.objects.filter(citizen=user).select_related(
            "helper", "procedure", "dossier__procedure_version"
        )[:100]
    )
    order: dict[str, int] = {Authorisation.Status.PENDING: 0, Authorisation.Status.ACTIVE: 1}
    return sorted(rows, key=lambda row: (order.get(row.status, 2), not row.is_live()))


def authorisations_held(user) -> list[Authorisation]:
    """Whom the helper acts for: waiting requests and those in force first."""
    rows = list(
        Authorisation.objects.filter(helper=user).select_related(
            "citizen", "procedure", "dossier__procedure_version"
        )[:100]
    )
    order: dict[str, int] = {Authorisation.Status.PENDING: 0, Authorisation.Status.ACTIVE: 1}
    return sorted(rows, key=lambda row: (order.get(row.status, 2), not row.is_live()))


def authorisation_for(user, pk: int) -> Authorisation:
    """An authorisation the user gave or holds; anyone else's is a 404."""
    found = Authorisation.objects.filter(Q(citizen=user) | Q(helper=user), pk=pk).first()
    if found is None:
        raise Http404
    return found


def authorisation_held(user, pk: int) -> Authorisation:
    found = Authorisation.objects.filter(helper=user, pk=pk).select_related("citizen").first()
    if found is None:
        raise Http404
    return found
