from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def score(value):
    """A 0–100 score as a whole number, or a dash where none may be shown."""
    return "–" if value is None else number_format(round(value), 0)


@register.filter
def signed(value):
    return "–" if value is None else f"{value:+.0f}"


@register.filter
def percent(value):
    return "–" if value is None else f"{round(value)}%"


@register.filter
def large_gaps(gaps):
    return [g for g in gaps if g.get("large") and g.get("band") in ("higher", "much_higher")]
