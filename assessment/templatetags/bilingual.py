from django import template

from assessment.i18n import localized

register = template.Library()


@register.filter
def tr(obj, field="text"):
    """`{{ item|tr:"text" }}` or `{{ some_dict|tr }}` in the active language."""
    return localized(obj, field)


@register.filter
def get(mapping, key):
    """Look a key up in a dict from JSON, whose keys are always strings."""
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))
