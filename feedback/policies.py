"""Who may do what with feedback and satisfaction ratings: used by the services, the views and the pages."""

from dossiers import policies as dossier_policies
from dossiers.models import State


def works_for(user, agency) -> bool:
    """A member of the agency's staff (superusers act for no agency here)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff_role
        and dossier_policies.is_member(user, agency)
    )


def may_handle(user, feedback) -> bool:
    """Assign, answer, publish or close: the staff of the agency the feedback concerns."""
    return works_for(user, feedback.agency)


def is_sender(user, feedback, sent_ids=()) -> bool:
    """The signed-in sender, or the phone sender in the browser session that sent it (or opened its link)."""
    if feedback.sender_id is not None:
        return bool(user is not None and user.is_authenticated and user.pk == feedback.sender_id)
    return feedback.pk in set(sent_ids)


def may_rate(user, dossier) -> bool:
    """The applicant (their own account), once the result is returned."""
    return bool(
        user is not None
        and user.is_authenticated
        and dossier.applicant_id is not None
        and dossier.applicant_id == user.pk
        and dossier.state == State.RETURNED
    )
