from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The staff side: consultants, HR and executive viewers."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "console"
