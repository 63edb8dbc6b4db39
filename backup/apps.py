from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Whole-database backups (`export_all`, `import_all`): outside the assessment app, which they read."""

    name = "backup"
    verbose_name = "Backup"
