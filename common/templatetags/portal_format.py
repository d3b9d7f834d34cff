from django import template
from django.utils.translation import get_language

from common import forms

register = template.Library()
register.filter("choice_prompt", forms.choice_prompt)


@register.filter
def vnd(amount) -> str:
    """Whole đồng, grouped the Vietnamese way in Vietnamese (50.000 đ) and the English way otherwise."""
    if amount is None or amount == "":
        return ""
    grouped = f"{int(amount):,}"
    if (get_language() or "vi").startswith("vi"):
        return grouped.replace(",", ".") + " đ"
    return grouped + " VND"
