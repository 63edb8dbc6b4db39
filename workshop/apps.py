from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    """Live workshops: participants join by QR code, the facilitator shows live results."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workshop"
