from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Campaign
from assessment.responses_io import FORMATS, responses_export


class Command(BaseCommand):
    help = "Export a campaign's submitted responses, one row per respondent, as CSV (UTF-8 with BOM) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="the campaign's id")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument("--format", dest="file_format", help="csv or xlsx (default: from the extension of -o)")
        parser.add_argument(
            "--identifying",
            action="store_true",
            help="write every role/department/tenure as it is, even combinations held by fewer than the "
            "anonymity threshold (logged; the file can identify people)",
        )

    def handle(self, *args, campaign, output, file_format, identifying=False, **options):
        file_format = (file_format or Path(output).suffix.lstrip(".")).lower()
        if file_format not in FORMATS:
            raise CommandError(
                f"Unsupported format {file_format or '(none)'!r}: use --format csv or xlsx, or an -o ending in .csv/.xlsx."
            )
        campaign_obj = Campaign.objects.select_related("organisation").filter(pk=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"Campaign {campaign} does not exist.")
        try:
            count, coarsened = responses_export(
                campaign=campaign_obj, path=output, file_format=file_format, identifying=identifying
            )
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Exported {count} responses of {campaign_obj} to {output}."))
        if coarsened:
            self.stdout.write(
                f"{coarsened} rows have 'other' in place of their role, department or tenure: their combination is "
                f"held by fewer than {campaign_obj.anonymity_threshold} respondents (--identifying writes them as they are)."
            )
