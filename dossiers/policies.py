"""Who may do what to a dossier: every rule in one place, used by the services (which enforce them), the
views and templates (which only show what is allowed) and other apps (postal asks who manages a parcel).
Each rule is a plain function of the person and the dossier; none changes anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from accounts.types import Visitor
from common import clock

from .models import CLOSED_STATES, Dossier, State, SupplementRequest

if TYPE_CHECKING:
    from procedures.models import Agency

# A signed-in user, or AnonymousUser on public pages: every rule answers False for the anonymous.
Person = Visitor


def memberships_of(user: Any) -> dict[int, bool]:  # a signed-in user: callers check is_authenticated
    """Agency id → whether the user supervises there. Read once per request: kept on the user object, which
    lives as long as the request (a page asks several rules about the same person)."""
    cached: dict[int, bool] | None = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = dict(user.memberships.values_list("agency_id", "is_supervisor"))
        user._portal_memberships = cached
    return cached


def is_member(user: Person, agency: Agency | None) -> bool:
    return agency is not None and user.is_authenticated and agency.pk in memberships_of(user)


def works_at(user: Person, agency: Agency) -> bool:
    """May open the agency's queue and register: an active member of its staff, or a superuser."""
    return user.is_authenticated and user.is_active and (user.is_superuser or is_member(user, agency))


def is_supervisor(user: Person, agency: Agency | None) -> bool:
    return agency is not None and user.is_authenticated and memberships_of(user).get(agency.pk, False)


def is_owner(user: Person, dossier: Dossier) -> bool:
    """The applicant, or the person who filed for them."""
    return bool(user.is_authenticated and user.pk in {dossier.applicant_id, dossier.filed_by_id})


def acts_for_receiving_agency(user: Person, dossier: Dossier) -> bool:
    """A one-stop-shop clerk of the agency that received the dossier: intake, desk payments, the return."""
    return user.is_authenticated and user.role == Role.CLERK and is_member(user, dossier.receiving_agency)


def acts_for_handling_agency(user: Person, dossier: Dossier) -> bool:
    """Staff of the agency handling the dossier now: transfer, supplements in processing, stop, apology."""
    return (
        user.is_authenticated
        and user.role in {Role.OFFICER, Role.CLERK}
        and is_member(user, dossier.handling_agency)
    )


def may_decide(user: Person, dossier: Dossier) -> bool:
    """Approve or deny: an officer of the handling agency."""
    return user.is_authenticated and user.role == Role.OFFICER and is_member(user, dossier.handling_agency)


def may_mark_result_ready(user: Person, dossier: Dossier) -> bool:
    return acts_for_handling_agency(user, dossier) or acts_for_receiving_agency(user, dossier)


def may_assign(user: Person, dossier: Dossier) -> bool:
    return is_member(user, dossier.handling_agency)


def may_register_at(user: Person, agency: Agency) -> bool:
    """A clerk records dossiers brought to the desk of their own agency."""
    return user.is_authenticated and user.role == Role.CLERK and is_member(user, agency)


def may_manage_delivery(user: Person, dossier: Dossier) -> bool:
    """The one-stop shop that sends the result acts on its parcels: clerks of the receiving agency."""
    return acts_for_receiving_agency(user, dossier)


def may_take_desk_payment(user: Person, dossier: Dossier) -> bool:
    """Fees paid in cash at the desk, or exempted: a clerk of the receiving agency."""
    return acts_for_receiving_agency(user, dossier)


def may_pay_online(user: Person, dossier: Dossier) -> bool:
    return is_owner(user, dossier)


def apology_still_possible(dossier: Dossier) -> bool:
    """Phiếu xin lỗi: only while the dossier is processed and before its appointment date has passed."""
    return (
        dossier.state in {State.RECEIVED, State.IN_PROGRESS}
        and dossier.due_date is not None
        and timezone.localdate(clock.now()) <= dossier.due_date
    )


# --- what a member of staff may do now ------------------------------------------------------------------
STAFF_ACTIONS = (
    "check_originals",
    "receive",
    "request_supplement",
    "approve_supplement",
    "reject_supplement",
    "refuse",
    "transfer",
    "assign",
    "approve",
    "deny",
    "result_ready",
    "returned",
    "stop",
    "apology",
)


def allowed_actions(dossier: Dossier, user: Person) -> list[str]:
    """The actions the state machine and the rules above let `user` take on `dossier` now, in workflow
    order (the staff dossier page shows one form each). The services check all of it again."""
    if not user.is_authenticated or not user.is_staff_role:
        return []
    state = dossier.state
    desk = acts_for_receiving_agency(user, dossier)
    handler = acts_for_handling_agency(user, dossier)
    proposed = (
        state == State.IN_PROGRESS
        and dossier.supplement_requests.filter(status=SupplementRequest.Status.PROPOSED).exists()
    )
    supervises = proposed and is_supervisor(user, dossier.handling_agency)
    decides = may_decide(user, dossier)
    checks = {
        "check_originals": desk
        and dossier.needs_originals_check
        and dossier.originals_checked_at is None
        and state in {State.SUBMITTED, State.RESULT_READY},
        "receive": desk and can_proceed(dossier.receive),
        # At intake only while the one request is unused; during processing a proposal, one at a time.
        "request_supplement": (desk and can_proceed(dossier.request_supplement_at_intake))
        or (handler and state == State.IN_PROGRESS and not proposed),
        "approve_supplement": supervises,
        "reject_supplement": supervises,
        "refuse": desk and can_proceed(dossier.refuse),
        "transfer": can_proceed(dossier.transfer) and (desk if state == State.RECEIVED else handler),
        "assign": state not in {State.DRAFT, *CLOSED_STATES} and may_assign(user, dossier),
        "approve": decides and state == State.IN_PROGRESS,
        "deny": decides and can_proceed(dossier.deny),
        "result_ready": (handler or desk) and can_proceed(dossier.mark_result_ready),
        "returned": desk and can_proceed(dossier.mark_returned),
        "stop": handler and can_proceed(dossier.stop),
        "apology": handler and apology_still_possible(dossier),
    }
    return [name for name in STAFF_ACTIONS if checks[name]]
