from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on for the staff console with the company's OpenID Connect provider."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sso"
