"""The skeleton every dossier use case follows: lock the row → check who acts → run the transition →
save → write the one audit row → tell the applicant and the registered hooks. `changing()` does all but
the use case's own rule, so no service can forget a step or do them in another order."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.types import Actor
from common import clock
from common.prepared import PreparedReads
from procedures.models import Agency

from .. import audit, hooks, notices, policies, selectors
from ..models import Dossier, DossierEvent, State, SupplementRequest, Timeliness
from . import arrivals


class DossierChanged(Exception):
    """Someone else acted on the dossier since this page was loaded: reload, nothing was applied."""

    def __str__(self) -> str:
        return _("This dossier was changed by someone else in the meantime. Reload the page and try again.")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this dossier."))


def lock(
    dossier: Dossier | int, expected_version: int | None = None, related: tuple[str, ...] = ()
) -> Dossier:
    """The dossier row, locked until the transaction ends. Always the first lock a use case takes (then its
    payment attempts, its delivery orders): one order everywhere, so two transactions never deadlock.
    `related`: rows read with it besides its procedure version (never locked)."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    found = LOCK_READS[related].one(pk)
    if found is None:
        raise Dossier.DoesNotExist("No dossier with this id.")
    locked: Dossier = found
    if expected_version is not None and locked.lock_version != expected_version:
        raise DossierChanged
    return locked


# The locking read of a dossier with the related rows a use case reads with it, compiled once per process
# (common.prepared). of=("self",): the dossier's row only, not its procedure version (shared by every dossier
# of it).
LOCK_READS: PreparedReads[Dossier] = PreparedReads(
    lambda related: f"a dossier locked, with {', '.join(('procedure_version', *related))}",
    lambda related: (
        lambda pk: (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", *related)
            .filter(pk=pk)
            .order_by()
        )
    ),
    (int,),
)


def timeliness(dossier: Dossier, at: datetime.datetime, intake: bool) -> str:
    if intake:
        if dossier.intake_deadline is None:
            return ""
        return Timeliness.ON_TIME if at <= dossier.intake_deadline else Timeliness.LATE
    if dossier.due_date is None:
        return ""
    day = timezone.localtime(at).date()
    if day < dossier.due_date:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if day == dossier.due_date else Timeliness.LATE


class Change:
    """A change in progress on a locked dossier. `record()` saves it and writes its audit row."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.from_state: str = dossier.state
        self.now = clock.now()
        self.event: DossierEvent | None = None
        self.skipped = False

    def skip(self) -> None:
        """Nothing to change after all (e.g. already done by a concurrent request): no audit row."""
        self.skipped = True

    def proceed(self, transition: Callable[..., Any], message: str, **kwargs: Any) -> None:
        """Run a state-machine transition, or refuse with `message` when its source or conditions fail."""
        if not can_proceed(transition):
            raise ValidationError(message)
        transition(**kwargs)

    def close(self, transition: Callable[..., Any], message: str, reason: str) -> None:
        """A decision that ends the dossier (refuse, deny, stop, withdraw): the transition, its reason and
        its time; supplement requests still open or proposed are closed with it."""
        self.proceed(transition, message)
        self.dossier.closed_reason = reason.strip()
        self.dossier.decided_at = self.now
        self.dossier.supplement_requests.filter(
            status__in=[SupplementRequest.Status.OPEN, SupplementRequest.Status.PROPOSED]
        ).update(status=SupplementRequest.Status.CLOSED)

    def record(
        self,
        action: DossierEvent.Action,
        *,
        actor: Actor | None,
        note: str = "",
        agency: Agency | None = None,
        from_agency: Agency | None = None,
        to_agency: Agency | None = None,
        intake: bool = False,
        data: dict[str, Any] | None = None,
        dossier_unchanged: bool = False,
    ) -> DossierEvent:
        """Save the dossier (a new lock version) and write the one audit row; then the applicant's notice
        and the hooks, in this same transaction. `dossier_unchanged`: an internal step (a proposal waiting
        for a supervisor) that leaves the dossier as it was, so pages open on it stay valid."""
        if self.event is not None:
            raise RuntimeError("A change is recorded once.")
        dossier = self.dossier
        if not dossier_unchanged:
            dossier.lock_version += 1
            dossier.save()
        person = actor if actor is not None and actor.is_authenticated else None
        subject = _legal_subject(dossier, person)
        event = DossierEvent(
            dossier=dossier,
            action=action,
            from_state=self.from_state,
            to_state=dossier.state,
            actor=person,
            actor_name=(person.full_name or person.email) if person is not None else "",
            actor_role=getattr(person, "role", "") or "",
            on_behalf_of=subject,
            on_behalf_of_name=(subject.full_name or subject.email) if subject is not None else "",
            agency=agency,
            from_agency=from_agency,
            to_agency=to_agency,
            at=self.now,
            note=note,
            timeliness=timeliness(dossier, self.now, intake),
            data=audit.as_stored(data),
        )
        # The dossier row is locked (changing()), so no other change can link to the same predecessor.
        # No transition leads back to a draft, so a change that leaves one is the dossier's first event.
        previous = "" if self.from_state == State.DRAFT else _last_link(dossier)
        event.chain_hash = audit.link(event, previous)
        event.save()
        self.event = event
        arrivals.record_arrival(event)  # new to the agency it was filed with or handed to
        agencies = (dossier.receiving_agency_id, dossier.handling_agency_id, getattr(from_agency, "pk", None))
        transaction.on_commit(lambda: selectors.forget_agency_queues(*agencies))
        notices.notify_applicant(self.event)  # the outbox rows, in this same transaction
        hooks.dispatch(hooks.DossierChange(dossier=dossier, event=self.event))
        return self.event


def _legal_subject(dossier: Dossier, person: Actor | None) -> Actor | None:
    """The citizen a helper acts for (ủy quyền): the applicant, when a citizen other than the applicant acts
    on the dossier (the policies let them only under a live authorisation). Staff act for their agency."""
    if person is None or not person.is_citizen or dossier.applicant_id in (None, person.pk):
        return None
    return dossier.applicant


def _last_link(dossier: Dossier) -> str:
    """The chain hash of the dossier's latest event ("" before its first)."""
    last: str | None = (
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("-pk")
        .values_list("chain_hash", flat=True)
        .first()
    )
    return last or ""


@contextlib.contextmanager
def changing(
    dossier: Dossier | int,
    *,
    expected_version: int | None = None,
    may: Callable[[Dossier], bool] | None = None,
    related: tuple[str, ...] = (),
) -> Iterator[Change]:
    """One audited use case in one transaction: the dossier locked (and checked against the version the
    user saw), `may(dossier)` checked on the locked row, then the body, which must `record()` the change.
    `related`: see lock()."""
    with transaction.atomic():
        locked = lock(dossier, expected_version, related)
        if may is not None:
            require(may(locked))
        change = Change(locked)
        yield change
        if change.event is None and not change.skipped:
            raise RuntimeError("A dossier change must be recorded (Change.record).")


@contextlib.contextmanager
def locked(dossier: Dossier | int, *, may: Callable[[Dossier], bool] | None = None) -> Iterator[Dossier]:
    """A write that is not a step of the procedure (a draft's fields, its files): locked, not audited."""
    with transaction.atomic():
        row = lock(dossier)
        if may is not None:
            require(may(row))
        yield row


def agency_of(user: Actor, *candidates: Agency | None) -> Agency | None:
    """The first of `candidates` the user works for (the agency named on the audit row)."""
    for agency in candidates:
        if policies.is_member(user, agency):
            return agency
    return None
