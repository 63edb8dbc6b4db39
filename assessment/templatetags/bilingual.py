from django import template

from assessment.i18n import localized

register = template.Library()


@register.filter
def tr(obj, field="text"):
    """`{{ item|tr:"text" }}` or `{{ some_dict|tr }}` in the active language."""
    return localized(obj, field)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
