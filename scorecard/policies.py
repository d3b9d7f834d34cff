"""Who may open the staff scorecard: the province's leaders and admins — superusers, catalogue admins and
agency supervisors (heads of units). The public page shows scores only and is open to everyone."""

from accounts.models import Role


def can_view_scorecard(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role == Role.CATALOGUE_ADMIN:
        return True
    if user.role != Role.OFFICER:
        return False
    # Asked once per request (the menu and the view share the answer).
    cached = getattr(user, "_scorecard_leader", None)
    if cached is None:
        cached = user.memberships.filter(is_supervisor=True).exists()
        user._scorecard_leader = cached
    return cached
