"""What feedback hangs on the dossier: the invitation to rate when the result is returned (dossier hook),
and the rating card on the applicant's returned dossier (panel). Registered in FeedbackConfig.ready();
dossiers never imports feedback."""

from typing import Any

from django.http import HttpRequest

from dossiers import panels
from dossiers.hooks import DossierChange, on_dossier_change
from dossiers.models import Dossier, State

from . import policies, services
from .forms import RatingForm
from .models import SatisfactionRating


@on_dossier_change
def invite_to_rate_when_returned(change: DossierChange) -> None:
    if change.entered(State.RETURNED):
        services.invite_to_rate(change.dossier)


def rating_panel(dossier: Dossier, request: HttpRequest | None) -> dict[str, Any] | None:
    """The applicant's "how satisfied are you" card on a returned dossier: the form, or their rating."""
    user = getattr(request, "user", None)
    if dossier.state != State.RETURNED or not policies.may_rate(user, dossier):
        return None
    rating = SatisfactionRating.objects.filter(dossier=dossier).first()
    return {"rating": rating, "rating_form": None if rating else RatingForm()}


panels.register_panel(
    name="feedback.satisfaction", place="citizen.after_result", template="feedback/_rating_panel.html"
)(rating_panel)
