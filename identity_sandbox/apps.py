from django.apps import AppConfig


class IdentitySandboxConfig(AppConfig):
    name = "identity_sandbox"
    verbose_name = "Sandbox identity provider"

    def ready(self):
        from django.conf import settings

        if settings.IDENTITY_SANDBOX:
            from .keys import install_signing_key

            install_signing_key()
