"""Filters for notification templates, whose context holds ISO dates and integer amounts (JSON values)."""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()


@register.filter
def isodate(value) -> str:
    """'2026-03-05' → 05/03/2026; an ISO datetime → 14:30 05/03/2026 (local time)."""
    if not value:
        return ""
    text = str(value)
    try:
        if len(text) <= 10:
            return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%H:%M %d/%m/%Y")


@register.filter
def sentence(value) -> str:
    """Free text typed by staff (a reason) as one sentence of a notice: on one line, with a full stop."""
    text = " ".join(str(value or "").split())
    if text and text[-1] not in ".!?…":
        text += "."
    return text


@register.filter
def vnd(value) -> str:
    """Integer đồng: 1.500.000 đồng in Vietnamese, 1,500,000 VND in English."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value or "")
    grouped = f"{amount:,}"
    if (get_language() or "vi").startswith("vi"):
        return grouped.replace(",", ".") + " đồng"
    return grouped + " VND"
