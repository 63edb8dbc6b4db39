from django.core.management.base import BaseCommand, CommandError

from backup.services import backup_export


class Command(BaseCommand):
    help = (
        "Back up every organisation, campaign, invitation, answer, workshop and user to an XML file (.xml or .xml.gz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="e.g. backup-2026-11-23.xml.gz")

    def handle(self, *args, output, **options):
        if not output.endswith((".xml", ".xml.gz")):
            raise CommandError("The backup file name must end in .xml or .xml.gz.")
        try:
            counts = backup_export(path=output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: {counts['organisations']} organisations, {counts['campaigns']} campaigns, {counts['answers']} answers."
            )
        )
