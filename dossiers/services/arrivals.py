"""Which dossiers are new to an agency: a dossier filed with it or handed to it is "new to us" in its queue
until one of its staff — other than the person who sent it — opens the dossier's page."""

from __future__ import annotations

from django.db import router, transaction

from accounts.models import Role
from accounts.types import Actor

from .. import policies, selectors
from ..models import Arrival, Dossier, DossierEvent

Action = DossierEvent.Action
STAFF_WHO_OPEN = {Role.CLERK, Role.OFFICER}


def record_arrival(event: DossierEvent) -> None:
    """Called by `Change.record` for every audited change: filing makes the dossier new to the agency that
    receives it, a transfer new to the agency it goes to (and no longer to the agency it left); any other
    step taken by an agency's staff ends its "new" there."""
    dossier = event.dossier
    if event.action in {Action.SUBMIT, Action.REGISTER_AT_DESK}:
        agency_id = dossier.receiving_agency_id
    elif event.action == Action.TRANSFER and event.to_agency_id is not None:
        agency_id = event.to_agency_id
        left = event.from_agency_id
        if left is not None and left != agency_id:
            Arrival.objects.filter(dossier=dossier, agency_id=left).delete()
    else:
        # Staff of an agency acted on it (through its page, or a tool): it is no longer new to them.
        if event.agency_id is not None and event.actor_role in STAFF_WHO_OPEN:
            Arrival.objects.filter(dossier=dossier, agency_id=event.agency_id).delete()
        return
    # One upsert: a dossier handed back to an agency arrives there again.
    Arrival.objects.bulk_create(
        [Arrival(dossier=dossier, agency_id=agency_id, sent_by=event.actor, arrived_at=event.at)],
        update_conflicts=True,
        unique_fields=["agency", "dossier"],
        update_fields=["sent_by", "arrived_at"],
    )


def mark_seen(*, dossier: Dossier, by: Actor) -> None:
    """A member of staff opened the dossier: it is no longer new to their agencies. Not a step of the
    procedure (no lock, no audit row); one DELETE, nothing when there is nothing to clear. Run on its own,
    not in the transaction QuerySet.delete() opens around it (BEGIN and COMMIT: two more round trips on
    every view of a staff dossier page); nothing cascades from an arrival."""
    if not by.is_authenticated or getattr(dossier, "new_to_viewer", True) is False:
        return  # the page's read (selectors.STAFF_DOSSIER_PAGE_READ) found nothing new to the viewer
    agencies = [
        pk
        for pk in {dossier.receiving_agency_id, dossier.handling_agency_id}
        if pk is not None and pk in policies.memberships_of(by)
    ]
    if agencies:
        arrivals = selectors.arrivals_new_to(by.pk, dossier.pk, agencies)
        cleared = arrivals._raw_delete(router.db_for_write(Arrival))
        if cleared:  # the queues' kept pages showed it as new
            transaction.on_commit(lambda: selectors.forget_agency_queues(*agencies))
