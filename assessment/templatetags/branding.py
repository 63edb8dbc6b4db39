"""`{% product_name "ja" %}`: the product's one name (assessment/branding.py), for e-mails and pages."""

from django import template

from assessment.branding import PRODUCT_NAME

register = template.Library()


@register.simple_tag
def product_name(lang="en"):
    return PRODUCT_NAME.get(lang, PRODUCT_NAME["en"])
