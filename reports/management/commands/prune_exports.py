from django.core.management.base import BaseCommand

from reports.exports import RETENTION, exports_prune


class Command(BaseCommand):
    help = "Delete finished and failed batch exports older than EXPORT_RETENTION_DAYS (default 7), files included."

    def handle(self, *args, **options):
        removed = exports_prune()
        self.stdout.write(f"Removed {removed} exports older than {RETENTION.days} days.")
