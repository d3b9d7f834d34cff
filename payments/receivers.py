"""payments reacts to dossier transitions: a paid dossier that is refused, denied, stopped or withdrawn
gets its refund started at once (the receiver only calls the service)."""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from dossiers.models import Dossier

from . import services


@receiver(post_transition, sender=Dossier, dispatch_uid="payments.refund_when_dossier_closes")
def refund_when_dossier_closes(sender, instance, name, source, target, **kwargs):
    if target in services.REFUND_DECISIONS:
        services.dossier_closed(dossier=instance, target_state=target)
