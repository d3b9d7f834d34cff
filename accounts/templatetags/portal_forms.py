from django import template

register = template.Library()


@register.filter
def without_placeholder(bound_field):
    """Render a field's widget without a placeholder: our fields have visible labels, and a placeholder
    repeating the label (as allauth's forms set) only looks like a value already filled in."""
    return bound_field.as_widget(attrs={"placeholder": False})
