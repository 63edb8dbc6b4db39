from django.apps import AppConfig


class FollowthroughConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followthrough"
    verbose_name = "Follow-through"
