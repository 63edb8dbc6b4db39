from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backup.services import BackupError, backup_import


class Command(BaseCommand):
    help = "Restore a backup made by export_all into an empty, migrated database (nothing is loaded if anything fails)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        if not Path(path).is_file():
            raise CommandError(f"No such file: {path}")
        try:
            counts = backup_import(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {counts['organisations']} organisations, {counts['campaigns']} campaigns, {counts['answers']} answers."
            )
        )
