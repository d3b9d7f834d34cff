"""What appointments hangs on the dossier: the "book an appointment" card on the applicant's page and the
booked appointments on the staff page (panels); freeing the seats of a dossier that closes (a hook).
Registered in AppointmentsConfig.ready(); dossiers never imports appointments."""

from typing import Any

from django.http import HttpRequest

from dossiers import panels
from dossiers.hooks import DossierChange, on_dossier_change
from dossiers.models import CLOSED_STATES, Dossier

from . import selectors, services
from .models import Purpose


@on_dossier_change
def free_seats_of_closed_dossier(change: DossierChange) -> None:
    if change.to_state in CLOSED_STATES and change.entered(change.to_state):
        services.cancel_for_closed_dossier(dossier=change.dossier)


@panels.register_panel(
    name="appointments.citizen", place="citizen.after_status", template="appointments/_citizen_panel.html"
)
def citizen_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    """Shown on the applicant's own page (the page itself checked who may see it)."""
    if not dossier.code:
        return None
    appointments = selectors.active_appointments(dossier)
    booked = {appointment.purpose for appointment in appointments}
    to_book = [Purpose(purpose) for purpose in services.open_purposes(dossier) if purpose not in booked]
    if not appointments and not to_book:
        return None
    return {"appointments": appointments, "to_book": to_book}


@panels.register_panel(
    name="appointments.staff", place="staff.after_status", template="appointments/_staff_panel.html"
)
def staff_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    appointments = selectors.active_appointments(dossier)
    return {"appointments": appointments} if appointments else None
