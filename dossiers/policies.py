"""Who may do what to a dossier: every rule in one place, used by the services (which enforce them), the
views and templates (which only show what is allowed) and other apps (postal asks who manages a parcel).
Each rule is a plain function of the person and the dossier; none changes anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts import selectors as accounts_selectors
from accounts.models import Role
from accounts.types import Visitor
from common import clock

from .models import CLOSED_STATES, Authorisation, Dossier, State, SupplementRequest

if TYPE_CHECKING:
    from procedures.models import Agency, ProcedureVersion

# A signed-in user, or AnonymousUser on public pages: every rule answers False for the anonymous.
Person = Visitor


def memberships_of(user: Any) -> dict[int, bool]:  # a signed-in user: callers check is_authenticated
    """Agency id → whether the user supervises there. Read once per request: kept on the user object, which
    lives as long as the request (a page asks several rules about the same person)."""
    cached: dict[int, bool] | None = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = accounts_selectors.supervision_by_agency(user.pk)
        user._portal_memberships = cached
    return cached


def agency_worked_at(user: Person, agency_code: str) -> Agency | None:
    """The agency with this code, when the user works there (works_at); None otherwise. For its staff, one
    query that reads all their memberships with their agencies, kept for memberships_of; a superuser who is
    no member reads the agency by its code."""
    if not user.is_authenticated:
        return None
    agencies = accounts_selectors.agencies_of(user)
    cast(Any, user)._portal_memberships = {agency.pk: supervises for agency, supervises in agencies}
    found = next((agency for agency, _supervises in agencies if agency.code == agency_code), None)
    if found is None and user.is_superuser:
        from procedures.models import Agency

        found = next(iter(Agency.objects.filter(code=agency_code).order_by()[:1]), None)  # the code is unique
    return found if found is not None and works_at(user, found) else None


def is_member(user: Person, agency: Agency | None) -> bool:
    return agency is not None and user.is_authenticated and agency.pk in memberships_of(user)


def works_at(user: Person, agency: Agency) -> bool:
    """May open the agency's queue and register: an active member of its staff, or a superuser."""
    return user.is_authenticated and user.is_active and (user.is_superuser or is_member(user, agency))


def is_supervisor(user: Person, agency: Agency | None) -> bool:
    return agency is not None and user.is_authenticated and memberships_of(user).get(agency.pk, False)


def is_owner(user: Person, dossier: Dossier) -> bool:
    """The applicant, the clerk who registered it for them at the desk, or a helper acting for the applicant
    under a live authorisation covering the dossier (ủy quyền): the same people `Dossier.objects.owned_by`
    lists."""
    if not user.is_authenticated:
        return False
    if user.pk == dossier.applicant_id or (
        user.pk == dossier.filed_by_id and dossier.authorisation_id is None
    ):
        return True
    return acts_for_applicant(user, dossier)


def assurance_suffices(version: ProcedureVersion, assurance: int) -> bool:
    """The sign-in may file this procedure version online: its level of assurance (0 a portal password,
    1 or 2 through VNeID, `accounts.identity.current_loa`) reaches the version's `required_loa`. Filing at
    the desk is not gated: the clerk checks the ID card in person."""
    return assurance >= version.required_loa


# --- acting on behalf (ủy quyền) -------------------------------------------------------------------------
def acts_for_applicant(user: Person, dossier: Dossier) -> bool:
    """A helper whose live authorisation from the dossier's applicant covers this dossier."""
    if not user.is_authenticated or dossier.applicant_id is None or user.pk == dossier.applicant_id:
        return False
    return bool(Authorisation.objects.live().held_by(user).covering(dossier).exists())


def may_start_for(user: Person, authorisation: Authorisation, procedure_id: int) -> bool:
    """A helper starts a dossier in the citizen's name: their live authorisation covers the procedure
    (scope "all" or that procedure; a one-dossier authorisation covers no new dossier)."""
    return (
        user.is_authenticated
        and authorisation.helper_id == user.pk
        and authorisation.is_live()
        and (
            authorisation.scope == Authorisation.Scope.ALL
            or (
                authorisation.scope == Authorisation.Scope.PROCEDURE
                and authorisation.procedure_id == procedure_id
            )
        )
    )


def may_grant(user: Person) -> bool:
    """Citizens authorise someone to act for them; staff accounts do not file for themselves."""
    return bool(user.is_authenticated and user.is_citizen)


def may_answer_request(user: Person, authorisation: Authorisation) -> bool:
    """Approve or decline a helper's request: the citizen asked, while it waits."""
    return (
        user.is_authenticated
        and authorisation.citizen_id == user.pk
        and authorisation.status == Authorisation.Status.PENDING
    )


def may_revoke(user: Person, authorisation: Authorisation) -> bool:
    """The citizen revokes, at any time, an authorisation they gave (or a request still waiting); the
    helper may give it up too."""
    return (
        user.is_authenticated
        and user.pk in {authorisation.citizen_id, authorisation.helper_id}
        and authorisation.status in {Authorisation.Status.ACTIVE, Authorisation.Status.PENDING}
    )


# --- who takes each step, and which steps are open now -------------------------------------------------
@dataclass(frozen=True)
class Actors:
    """The people who may take a step: members of one of the dossier's agencies (the one that received it,
    or the one handling it now), in the listed roles (any role when empty), supervisors only if so marked."""

    name: str
    agency_field: str  # "receiving_agency" or "handling_agency"
    roles: frozenset[str] = frozenset()
    supervisors_only: bool = False

    def agency(self, dossier: Dossier) -> Agency | None:
        agency: Agency | None = getattr(dossier, self.agency_field)
        return agency

    def admit(self, user: Person, dossier: Dossier) -> bool:
        agency = self.agency(dossier)
        if not user.is_authenticated or (self.roles and user.role not in self.roles):
            return False
        return is_supervisor(user, agency) if self.supervisors_only else is_member(user, agency)


# The one-stop shop of the receiving agency: intake, desk payments, the return.
DESK = Actors("desk", "receiving_agency", frozenset({Role.CLERK}))
# Staff of the agency handling the dossier now: transfer, supplements in processing, stop, apology.
HANDLER = Actors("handler", "handling_agency", frozenset({Role.OFFICER, Role.CLERK}))
# Approve or deny: an officer of the handling agency.
DECIDER = Actors("decider", "handling_agency", frozenset({Role.OFFICER}))
# Approve or reject a supplement request proposed during processing.
SUPERVISOR = Actors("supervisor", "handling_agency", supervisors_only=True)
# Assign the dossier to a colleague: any member of the handling agency.
MEMBER = Actors("member", "handling_agency")
# The applicant (or the person who filed for them): answers a supplement request, pays the fees.
APPLICANT = "applicant"


def acts_for_receiving_agency(user: Person, dossier: Dossier) -> bool:
    """A one-stop-shop clerk of the agency that received the dossier: intake, desk payments, the return."""
    return DESK.admit(user, dossier)


def acts_for_handling_agency(user: Person, dossier: Dossier) -> bool:
    """Staff of the agency handling the dossier now: transfer, supplements in processing, stop, apology."""
    return HANDLER.admit(user, dossier)


def may_decide(user: Person, dossier: Dossier) -> bool:
    """Approve or deny: an officer of the handling agency."""
    return DECIDER.admit(user, dossier)


def may_mark_result_ready(user: Person, dossier: Dossier) -> bool:
    return acts_for_handling_agency(user, dossier) or acts_for_receiving_agency(user, dossier)


def may_assign(user: Person, dossier: Dossier) -> bool:
    return MEMBER.admit(user, dossier)


def may_register_at(user: Person, agency: Agency) -> bool:
    """A clerk records dossiers brought to the desk of their own agency."""
    return user.is_authenticated and user.role == Role.CLERK and is_member(user, agency)


def may_digitise(user: Person, dossier: Dossier) -> bool:
    """Số hóa at intake: a clerk of the receiving agency, while the dossier is filed and not yet received
    (a dossier registered at the desk, or one whose originals the clerk is checking)."""
    return dossier.state == State.SUBMITTED and acts_for_receiving_agency(user, dossier)


def may_manage_delivery(user: Person, dossier: Dossier) -> bool:
    """The one-stop shop that sends the result acts on its parcels: clerks of the receiving agency."""
    return acts_for_receiving_agency(user, dossier)


def may_take_desk_payment(user: Person, dossier: Dossier) -> bool:
    """Fees paid in cash at the desk, or exempted: a clerk of the receiving agency."""
    return acts_for_receiving_agency(user, dossier)


def may_pay_online(user: Person, dossier: Dossier) -> bool:
    return is_owner(user, dossier)


def transfer_refusal(dossier: Dossier, to_agency: Agency) -> str:
    """Why the dossier may not go to `to_agency` ("" when it may). A dossier being processed cannot be
    "transferred" to the agency processing it: that hand-off changes nothing but adds a false row to the
    control slip (to give it to a colleague, assign it). From the desk (received, not yet processed) it may
    go to the receiving agency itself: that is how a ward hands its own dossiers to its officers."""
    if to_agency.is_legacy:
        return _("This agency no longer exists.")
    if dossier.state == State.IN_PROGRESS and to_agency.pk == dossier.handling_agency_id:
        return _(
            "The dossier is already being processed by %(agency)s: choose another agency, or assign it to "
            "a colleague."
        ) % {"agency": to_agency.name}
    return ""


def suggested_transfer_target(dossier: Dossier, deciding: list[Agency]) -> Agency | None:
    """The agency the transfer form proposes, among `deciding` (the procedure's agencies): the only one
    that is neither where the dossier is now nor a commune (a procedure lists every ward that decides it
    for its own residents: a neighbouring ward is never the target). None of those: a received dossier
    stays with the agency that received it (it decides); several: no proposal, the clerk chooses."""
    here = dossier.handling_agency_id
    others = [a for a in deciding if a.pk != here and a.kind != a.Kind.COMMUNE and not a.is_legacy]
    if len(others) == 1:
        return others[0]
    if not others and dossier.state == State.RECEIVED:
        return next((a for a in deciding if a.pk == dossier.receiving_agency_id), None)
    return None


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


def _has_proposed_supplement(dossier: Dossier) -> bool:
    """From the supplement requests a page already loaded with the dossier (prefetch_related), else asked."""
    loaded = dossier.loaded_supplement_requests()
    if loaded is not None:
        return any(request.status == SupplementRequest.Status.PROPOSED for request in loaded)
    return dossier.supplement_requests.filter(status=SupplementRequest.Status.PROPOSED).exists()


def open_steps(dossier: Dossier) -> dict[str, tuple[Actors, ...]]:
    """The staff actions the dossier is open to now (its state machine, its dates, a pending proposal),
    each with who may take it, in workflow order: the one table behind `allowed_actions` (what a person may
    do) and `next_steps` (who can act next)."""
    state = dossier.state
    proposed = state == State.IN_PROGRESS and _has_proposed_supplement(dossier)
    in_processing = state == State.IN_PROGRESS and not proposed
    steps: dict[str, tuple[Actors, ...]] = {
        "check_originals": (DESK,)
        if dossier.needs_originals_check
        and dossier.originals_checked_at is None
        and state in {State.SUBMITTED, State.RESULT_READY}
        else (),
        "receive": (DESK,) if can_proceed(dossier.receive) else (),
        # At intake only while the one request is unused; during processing a proposal, one at a time.
        "request_supplement": (DESK,)
        if can_proceed(dossier.request_supplement_at_intake)
        else ((HANDLER,) if in_processing else ()),
        "approve_supplement": (SUPERVISOR,) if proposed else (),
        "reject_supplement": (SUPERVISOR,) if proposed else (),
        "refuse": (DESK,) if can_proceed(dossier.refuse) else (),
        "transfer": ((DESK,) if state == State.RECEIVED else (HANDLER,))
        if can_proceed(dossier.transfer)
        else (),
        "assign": (MEMBER,) if state not in {State.DRAFT, *CLOSED_STATES} else (),
        "approve": (DECIDER,) if state == State.IN_PROGRESS else (),
        "deny": (DECIDER,) if can_proceed(dossier.deny) else (),
        "result_ready": (HANDLER, DESK) if can_proceed(dossier.mark_result_ready) else (),
        "returned": (DESK,) if can_proceed(dossier.mark_returned) else (),
        "stop": (HANDLER,) if can_proceed(dossier.stop) else (),
        "apology": (HANDLER,) if apology_still_possible(dossier) else (),
    }
    return {name: who for name, who in steps.items() if who}


def allowed_actions(dossier: Dossier, user: Person) -> list[str]:
    """The actions the state machine and the rules above let `user` take on `dossier` now, in workflow
    order (the staff dossier page shows one form each). The services check all of it again."""
    if not user.is_authenticated or not user.is_staff_role:
        return []
    return [
        name
        for name, who in open_steps(dossier).items()
        if any(actors.admit(user, dossier) for actors in who)
    ]


# Steps anyone of the agency may take at any time: not what the dossier waits for.
ALWAYS_OPEN = frozenset({"assign", "apology"})


@dataclass(frozen=True)
class NextStep:
    """Who can move the dossier on: a group of people (`actors`: an Actors name, or APPLICANT), their
    agency, the person assigned when it is theirs to act, and the actions open to them."""

    actors: str
    agency: Agency | None
    person: Any
    actions: tuple[str, ...]


def next_steps(dossier: Dossier) -> list[NextStep]:
    """Who can act next on the dossier, for a viewer who cannot: from `open_steps`, grouped by who takes
    them; the applicant first when the dossier waits for them (a supplement, fees due now)."""
    steps: list[NextStep] = []
    waits_for_fees = (dossier.state == State.SUBMITTED and not dossier.fees_ready_for_receipt()) or (
        dossier.state == State.RESULT_READY
        and not dossier.fees_ready_for_return()
        and not dossier.fees_collected_on_delivery()
    )
    if dossier.state == State.SUPPLEMENT_REQUESTED:
        steps.append(NextStep(APPLICANT, None, None, ("answer_supplement",)))
    elif waits_for_fees:
        steps.append(NextStep(APPLICANT, None, None, ("pay_fees",)))
    groups: dict[Actors, list[str]] = {}
    for name, who in open_steps(dossier).items():
        if name in ALWAYS_OPEN:
            continue
        for actors in who:
            groups.setdefault(actors, []).append(name)
    for actors, actions in groups.items():
        assignee = dossier.assignee if actors.agency_field == "handling_agency" else None
        person = assignee if assignee is not None and actors.admit(assignee, dossier) else None
        steps.append(NextStep(actors.name, actors.agency(dossier), person, tuple(actions)))
    return steps


def may_audit_document_accesses(user: Person) -> bool:
    """Export who opened which file, for every agency: the superusers, who alone read the audit trail (the
    dossier admin and its events); the portal has no separate auditor role."""
    return user.is_authenticated and user.is_active and user.is_superuser
