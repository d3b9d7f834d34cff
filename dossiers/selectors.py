"""Read queries shared by the citizen pages, the staff queue, the register and the API."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from common import clock

from . import panels, working_days
from .models import CLOSED_STATES, Dossier, State, StoredFile, SupplementRequest


def my_dossiers(user) -> QuerySet[Dossier]:
    return (
        Dossier.objects.owned_by(user)
        .select_related("procedure_version__procedure", "receiving_agency")
        .order_by("-created_at")
    )


def dossier_for(user, pk: int) -> Dossier | None:
    return (
        Dossier.objects.visible_to(user)
        .select_related(
            "procedure_version__procedure",
            "procedure_version__field",
            "receiving_agency",
            "handling_agency",
            "assignee",
            "applicant",
            "filed_by",
            "rule_set",
        )
        .filter(pk=pk)
        .first()
    )


def own_dossier(user, pk: int) -> Dossier:
    """A dossier the user owns, for the citizen's pages (theirs and other apps'); anyone else's is a 404."""
    dossier = (
        Dossier.objects.owned_by(user)
        .select_related("procedure_version__procedure", "receiving_agency", "handling_agency", "rule_set")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def lookup_url(dossier: Dossier) -> str:
    """The public status lookup of a dossier, prefilled with its code: what the QR codes on slips and
    receipts point to."""
    return f"{settings.SITE_URL}{reverse('dossiers:lookup')}?{urlencode({'code': dossier.code or ''})}"


def timeline(dossier: Dossier):
    return dossier.events.select_related("agency", "from_agency", "to_agency").order_by("at", "pk")


class QueueView:
    NEW = "new"
    MINE = "mine"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUPPLEMENT = "supplement"
    IN_PROGRESS = "in_progress"
    ALL = "all"
    CHOICES = [NEW, MINE, DUE_SOON, OVERDUE, SUPPLEMENT, IN_PROGRESS, ALL]


OPEN_STATES = [
    State.SUBMITTED,
    State.RECEIVED,
    State.IN_PROGRESS,
    State.SUPPLEMENT_REQUESTED,
    State.APPROVED,
    State.RESULT_READY,
]


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
        # Exists, not a join: a join repeats the dossier per request and forces DISTINCT over the whole queue.
        QueueView.SUPPLEMENT: Q(state=State.SUPPLEMENT_REQUESTED)
        | Q(
            Exists(
                SupplementRequest.objects.filter(
                    dossier=OuterRef("pk"), status=SupplementRequest.Status.PROPOSED
                )
            ),
            state=State.IN_PROGRESS,
        ),
        QueueView.IN_PROGRESS: Q(
            state__in=[State.RECEIVED, State.IN_PROGRESS, State.APPROVED, State.RESULT_READY]
        ),
        QueueView.ALL: Q(),
    }


def agency_queue(user, agency, view: str, order: str = "due_date") -> QuerySet[Dossier]:
    """A clerk's or officer's work list for one of their agencies."""
    filters = queue_filters(user)
    dossiers = (
        Dossier.objects.visible_to(user)
        .filter(Q(receiving_agency=agency) | Q(handling_agency=agency))
        .filter(filters.get(view, filters[QueueView.NEW]))
        .select_related("procedure_version__procedure", "assignee", "receiving_agency", "handling_agency")
    )
    # Not yet received means no due date: those sort by their 8-working-hour intake deadline, last on
    # both databases (SQLite puts NULLs first by default, PostgreSQL last).
    orders = {
        "due_date": [F("due_date").asc(nulls_last=True), "intake_deadline", "submitted_at"],
        "-due_date": [F("due_date").desc(nulls_last=True), "-submitted_at"],
        "submitted_at": ["submitted_at"],
        "-submitted_at": ["-submitted_at"],
        "code": ["code"],
    }
    if view == QueueView.NEW:
        # No new dossier has a due date yet; ordering by it would make PostgreSQL walk the due-date index
        # past every received dossier of the province to reach the NULLs (seconds at a million rows).
        # Those still waiting for an at-filing fee have no answer deadline yet: after the others.
        orders["due_date"] = [F("intake_deadline").asc(nulls_last=True), "submitted_at"]
        orders["-due_date"] = [F("intake_deadline").desc(nulls_last=True), "-submitted_at"]
    return dossiers.order_by(*orders.get(order, orders["due_date"]), "pk")


def queue_counts(user, agency) -> dict[str, int]:
    """The tab counts of the open work, in one query over the agency's open dossiers only (the "all" tab,
    a year of closed dossiers, gets no count: counting it would read the agency's whole history)."""
    filters = queue_filters(user)
    base = Dossier.objects.visible_to(user).filter(
        Q(receiving_agency=agency) | Q(handling_agency=agency), state__in=OPEN_STATES
    )
    aggregates = {
        view: Count("pk", filter=condition) for view, condition in filters.items() if view != QueueView.ALL
    }
    return base.aggregate(**aggregates)


def public_lookup(code: str, secret: str) -> Dossier | None:
    """A dossier by code and the last 4 digits of the applicant's phone or ID number — both must match,
    and a miss says nothing about whether the code exists."""
    code, secret = code.strip().upper(), secret.strip()
    if len(secret) != 4 or not secret.isdigit() or not code:
        return None
    dossier = (
        # Codes are stored upper-case: an exact match uses the unique index (iexact would scan the table).
        Dossier.objects.filter(code=code)
        .exclude(state=State.DRAFT)
        .select_related("procedure_version", "receiving_agency", "handling_agency")
        .first()
    )
    if dossier is None:
        return None
    if dossier.applicant_phone.endswith(secret) or dossier.applicant_id_number.endswith(secret):
        return dossier
    return None


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


def state_sentence(dossier: Dossier) -> str:
    """The state of a dossier in one plain sentence, for its applicant, in the active language."""
    if dossier.state == State.SUBMITTED and not dossier.awaits_intake_answer:
        return str(FILED_BEFORE_FEES)
    deadline = dossier.intake_deadline
    agency = dossier.handling_agency if dossier.handling_agency_id else None
    return STATE_SENTENCES[State(dossier.state)] % {
        "time": dateformat.format(timezone.localtime(deadline), "H:i d/m/Y") if deadline else "",
        "date": dateformat.format(dossier.due_date, "d/m/Y") if dossier.due_date else "",
        "agency": agency.name if agency else "",
    }


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    intake_late: bool
    due_flag: str  # "overdue", "due_soon" or ""
    flags: tuple[panels.QueueFlag, ...] = ()


def queue_rows(dossiers, now: datetime.datetime | None = None) -> list[QueueRow]:
    """A page of the queue as rows: the late answer, overdue / due soon, and the flags other apps registered
    (one query per flag for the whole page)."""
    now = now or clock.now()
    today = timezone.localdate(now)
    soon = working_days.add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    page = list(dossiers)
    flags = panels.queue_flags(page)
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
            )
        )
    return rows


def reusable_files(user, limit: int = 300) -> list[StoredFile]:
    """The applicant's data store, newest first, one entry per identical content: what the filing and
    supplement pages offer to reuse."""
    seen, files = set(), []
    for stored in StoredFile.objects.filter(owner=user).order_by("-uploaded_at")[:limit]:
        if stored.sha256 not in seen:
            seen.add(stored.sha256)
            files.append(stored)
    return files
