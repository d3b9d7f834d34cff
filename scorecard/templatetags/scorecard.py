from django import template

from scorecard.policies import can_view_scorecard

register = template.Library()


@register.filter
def may_view_scorecard(user) -> bool:
    return can_view_scorecard(user)


@register.filter
def points(value) -> str:
    """Points with one decimal (Vietnamese decimal comma through the active locale's floatformat)."""
    from django.template.defaultfilters import floatformat

    return "" if value is None else floatformat(value, 1)


@register.filter
def percent(value) -> str:
    """A share (0–1) as a percentage with one decimal."""
    from django.template.defaultfilters import floatformat

    return "" if value is None else floatformat(100 * value, 1)
