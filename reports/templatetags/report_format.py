from django import template
from django.utils.formats import number_format

from assessment.bands import rounded

register = template.Library()


@register.filter
def score(value):
    """A 0–100 score as a whole number (half up, as it was banded), or a dash where none may be shown."""
    return "–" if value is None else number_format(int(rounded(value)), 0)


@register.filter
def signed(value):
    return "–" if value is None else f"{int(rounded(value)):+d}"


@register.filter
def percent(value):
    return "–" if value is None else f"{int(rounded(value))}%"


@register.filter
def large_gaps(gaps):
    return [g for g in gaps if g.get("large") and g.get("band") in ("higher", "much_higher")]
