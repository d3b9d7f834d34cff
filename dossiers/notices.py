"""What the applicant is told when their dossier changes: one notify() per audited transition, written in
the transaction of the change (the outbox), sent after commit by the workers."""

from typing import TYPE_CHECKING

from django.urls import reverse

from notifications.services import notify

from .models import Authorisation, Channel, DossierEvent, SupplementRequest

if TYPE_CHECKING:
    from accounts.models import User

Action = DossierEvent.Action

# DossierEvent.action → notification event. Hand-offs between staff (transfer, assign, proposals) and the
# applicant's own answer to a supplement request tell the applicant nothing new.
TRANSITION_EVENTS = {
    Action.SUBMIT: "dossier_submitted",
    Action.REGISTER_AT_DESK: "dossier_submitted",
    Action.RECEIVE: "dossier_received",
    Action.REQUEST_SUPPLEMENT: "supplement_requested",
    Action.REFUSE: "dossier_refused",
    Action.APOLOGY: "apology_issued",
    Action.APPROVE: "dossier_approved",
    Action.DENY: "dossier_denied",
    Action.RESULT_READY: "result_ready",
    Action.RETURN: "dossier_returned",
    Action.STOP: "dossier_stopped",
    Action.WITHDRAW: "dossier_withdrawn",
}


def notify_applicant(event: DossierEvent) -> None:
    """The applicant's account, or the person who filed when the applicant has none (desk and post); and
    the helper who filed it for them (ủy quyền) while their authorisation is in force, each on the
    channels they chose."""
    name = TRANSITION_EVENTS.get(event.action)
    dossier = event.dossier
    recipient = dossier.applicant or dossier.filed_by
    if name is None or recipient is None:
        return
    if event.action == Action.RETURN and "proof" in event.data:
        return  # delivered by post: the postal app tells the applicant (postal_delivered), once
    if recipient.pk == dossier.applicant_id:
        link = reverse("dossiers:detail", args=[dossier.pk])
    else:
        link = reverse("staff:detail", args=[dossier.pk])
    context = _context(dossier, event)
    notify(
        recipient=recipient,
        event=name,
        context={"link": link, **context},
        dossier=dossier,
        dedupe_key=f"dossier-event-{event.pk}",
    )
    helper = acting_subject(dossier)
    if helper is not None:
        notify(
            recipient=helper,
            event=name,
            context={"link": reverse("dossiers:detail", args=[dossier.pk]), **context},
            dossier=dossier,
            dedupe_key=f"dossier-event-{event.pk}-helper",
        )


def acting_subject(dossier) -> "User | None":
    """The helper who filed the dossier for its applicant, while an authorisation covering it is in force
    (none after revocation or expiry: they no longer see the dossier either)."""
    if dossier.authorisation_id is None or dossier.filed_by_id in (None, dossier.applicant_id):
        return None
    live = Authorisation.objects.live().held_by(dossier.filed_by_id).covering(dossier).exists()
    return dossier.filed_by if live else None


def _context(dossier, event: DossierEvent) -> dict:
    if event.action == Action.SUBMIT and dossier.channel == Channel.ONLINE and dossier.intake_deadline:
        return {"intake_deadline": dossier.intake_deadline.isoformat()}
    if event.action == Action.RECEIVE and dossier.due_date:
        return {"due_date": dossier.due_date.isoformat()}
    if event.action == Action.REQUEST_SUPPLEMENT:
        request = SupplementRequest.objects.filter(pk=event.data.get("request")).first()
        if request is None:
            return {"reason": event.note}
        return {
            "reason": request.reason,
            "details": request.details,
            "documents": [item.name for item in request.items.all()],
        }
    if event.action == Action.APOLOGY:
        return {
            "original_due_date": event.data.get("original_due_date", ""),
            "new_due_date": event.data.get("new_due_date", ""),
            "reason": event.note,
        }
    if event.action == Action.RESULT_READY:
        return {"return_channel": dossier.return_channel}
    if event.action in {Action.REFUSE, Action.DENY, Action.STOP}:
        return {"reason": event.note}
    return {}
