"""Thin receivers: the postal app reacts to the dossier's transitions (dossiers never imports postal)."""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from dossiers.models import Dossier, ReturnChannel, State

from . import services


@receiver(post_transition, sender=Dossier)
def on_dossier_transition(sender, instance, name, source, target, **kwargs):
    if instance.return_channel != ReturnChannel.POST:
        return
    if target == State.RESULT_READY:
        services.create_order_for(dossier=instance)
    elif target == State.RETURNED and source == State.RESULT_READY:
        services.dossier_returned_elsewhere(dossier=instance)
