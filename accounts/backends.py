from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from .selectors import SIGNED_IN_USER_READ


class LockoutAwareAuthenticationBackend(AuthenticationBackend):
    """allauth's email backend that also refuses a locked account, even with the right password.

    The check sits in authenticate(), not user_can_authenticate(): allauth hands back ("stashes") a user
    whose password matched but who failed user_can_authenticate(), to show its inactive-account page, which
    would sign a locked but active account in. Refusing here makes Django send user_login_failed instead.
    Sessions that were open before the lock are not ended by it (get_user() does not look at the lock).
    """

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and user.is_locked():
            return None
        return user

    def get_user(self, user_id):
        """The signed-in user of every request, with their citizen profile, read by one statement compiled
        once per process (accounts.selectors.SIGNED_IN_USER_READ); a deactivated account is signed out as
        before."""
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if not isinstance(user_id, int):
            return None
        user = SIGNED_IN_USER_READ.one(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
