"""`{% dossier_panels dossier "place" %}`: what other apps registered for a place of a dossier page;
`{% state_sentence dossier %}`: the dossier's state in one plain sentence, for its applicant."""

from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from .. import panels, selectors
from ..models import Dossier

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_panels(context: Context, dossier: Any, place: str) -> SafeString:
    return panels.render_panels(dossier, place, context.get("request"), page=context)


@register.simple_tag
def queue_columns() -> list[panels.QueueColumn]:
    return panels.queue_columns()


@register.simple_tag
def state_sentence(dossier: Dossier) -> str:
    return selectors.state_sentence(dossier)
