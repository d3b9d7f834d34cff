"""What e-results hangs on the dossier: signing when it is approved (dossier hook), the staff card with the
signing state and a retry, and the applicant's signed copy (panels). Registered in EResultsConfig.ready();
dossiers never imports e_results."""

from typing import Any

from django.http import HttpRequest

from dossiers import panels
from dossiers.hooks import DossierChange, on_dossier_change
from dossiers.models import Dossier, State

from . import selectors, services


@on_dossier_change
def sign_results_when_approved(change: DossierChange) -> None:
    if change.entered(State.APPROVED):
        services.plan_signing(change.dossier)


def staff_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    results = selectors.signed_results_of(dossier)
    if not results:
        return None
    user = getattr(request, "user", None)
    return {"signed_results": results, "may_retry": selectors.may_retry(user, dossier), "for_staff": True}


def citizen_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    results = [r for r in selectors.signed_results_of(dossier) if r.signed_file_id]
    return {"signed_results": results, "for_staff": False} if results else None


panels.register_panel(name="e_results.staff", place="staff.after_status", template="e_results/_panel.html")(
    staff_panel
)
panels.register_panel(
    name="e_results.citizen", place="citizen.after_result", template="e_results/_panel.html"
)(citizen_panel)
