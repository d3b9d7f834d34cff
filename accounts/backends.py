import functools

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router

from common.sql import named_columns


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
        """The signed-in user of every request, read by one SQL statement (the ORM's get() spent more time
        building its query than PostgreSQL answering it); a deactivated account is signed out as before."""
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(model)
        user = next(iter(model._default_manager.raw(_user_by_pk(alias), [user_id]).using(alias)), None)
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.cache
def _user_by_pk(alias: str) -> str:
    """The user read's SQL, written once per database."""
    model = get_user_model()
    meta, quote = model._meta, connections[alias].ops.quote_name
    return (
        f"SELECT {named_columns(model, alias)} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
    )
