from allauth.account.auth_backends import AuthenticationBackend


class LockoutAwareAuthenticationBackend(AuthenticationBackend):
    """allauth's email backend that also refuses a locked account, even with the right password."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_locked()
