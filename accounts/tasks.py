from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def forget_old_sign_ins_and_ended_sessions() -> int:
    """Nightly: the sign-in history past SIGN_IN_HISTORY_DAYS, the expired sessions and the rows of open
    sessions whose session is gone."""
    return services.forget_old_sign_ins() + services.clear_ended_sessions()
