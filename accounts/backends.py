from allauth.account.auth_backends import AuthenticationBackend


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
