from django.apps import AppConfig


class NationalPortalSandboxConfig(AppConfig):
    name = "national_portal_sandbox"
    verbose_name = "Sandbox national public-service portal"
