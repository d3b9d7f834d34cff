from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = pgettext_lazy("admin section", "Accounts")

    def ready(self):
        from . import receivers  # noqa: F401

        _name_authenticators()


def _name_authenticators():
    """allauth.mfa's Authenticator declares no names, so the admin said "Authenticators", "type", "created at"
    in English whatever the language: give it translatable ones. Display only: the migration state reads the
    model's Meta and fields as declared, so this adds no migration."""
    from allauth.mfa.models import Authenticator

    meta = Authenticator._meta
    meta.verbose_name = _("authenticator")
    meta.verbose_name_plural = _("authenticators")
    for name, label in [
        ("user", _("user")),
        ("type", _("type")),
        ("data", _("data")),
        ("created_at", _("created at")),
        ("last_used_at", _("last used at")),
    ]:
        meta.get_field(name).verbose_name = label
