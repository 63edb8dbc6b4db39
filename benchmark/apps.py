from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """Percentiles of a campaign among other consenting client organisations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "benchmark"
