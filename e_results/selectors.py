from common.prepared import PreparedRead
from dossiers import policies
from dossiers.models import Dossier

from .models import SignedResult

SIGNED_RESULTS_READ = PreparedRead(
    "a dossier's results to sign or signed",
    lambda dossier_id: SignedResult.objects.filter(dossier_id=dossier_id).select_related("signed_file"),
    (int,),
)


def signed_results_of(dossier: Dossier) -> list[SignedResult]:
    """Its results to sign or signed. None before the decision: they are planned when it is approved
    (services.plan_signing), which sets `decided_at` — no query for a dossier still being processed."""
    if dossier.decided_at is None:
        return []
    return SIGNED_RESULTS_READ(dossier.pk, known={"dossier": dossier})


def may_retry(user, dossier: Dossier) -> bool:
    """Staff of the handling agency may ask for a result to be signed again."""
    return bool(user and user.is_authenticated and policies.acts_for_handling_agency(user, dossier))


def by_verification_code(code: str) -> SignedResult | None:
    if not code or len(code) > 40:
        return None
    return (
        SignedResult.objects.filter(verification_code=code, status=SignedResult.Status.SIGNED)
        .select_related("dossier__handling_agency", "signed_file")
        .first()
    )


def by_sha256(sha256: str) -> SignedResult | None:
    """The result the portal issued as exactly these bytes, if any."""
    if not sha256:
        return None
    return (
        SignedResult.objects.filter(sha256=sha256, status=SignedResult.Status.SIGNED)
        .select_related("dossier__handling_agency")
        .first()
    )
