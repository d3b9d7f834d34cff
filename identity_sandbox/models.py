from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SandboxPerson(models.Model):
    """A demo person of the sandbox identity provider and the claims it answers with (the national service's
    names: SoDinhDanh, HoVaTen…). django-oauth-toolkit ties its grants and tokens to a user row, so each has
    an inactive account of its own without a password, which never signs in to the portal; the portal's
    account for the person is made by the national identity sign-in, keyed on the ID number."""

    subject = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sandbox_person", editable=False
    )
    sub = models.CharField(_("subject identifier"), max_length=64, unique=True)
    label = models.CharField(_("description"), max_length=150)
    loa = models.PositiveSmallIntegerField(_("level of assurance"), default=2)
    claims = models.JSONField(_("claims"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("sandbox identity")
        verbose_name_plural = _("sandbox identities")

    def __str__(self):
        return self.label
