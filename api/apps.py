from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Read-only API for BI and HR tools: what the reports release, per organisation membership."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
