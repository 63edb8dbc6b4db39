from django.core.management.base import BaseCommand, CommandError

from assessment.models import Campaign
from assessment.responses_io import AlreadyImported, ResponsesFileError, responses_import


class Command(BaseCommand):
    help = (
        "Import submitted responses from a CSV or XLSX file (one row per respondent: role, department, "
        "tenure and one column per item key). Nothing is imported if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="the campaign's id")
        parser.add_argument("path", help="a .csv (UTF-8 or Shift_JIS) or .xlsx file")
        parser.add_argument(
            "--force", action="store_true", help="import a file already imported into this campaign again (logged)"
        )

    def handle(self, *args, campaign, path, force=False, **options):
        campaign_obj = Campaign.objects.select_related("framework", "organisation").filter(pk=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"Campaign {campaign} does not exist.")
        try:
            count = responses_import(campaign=campaign_obj, path=path, force=force)
        except AlreadyImported as error:
            raise CommandError(str(error)) from error
        except ResponsesFileError as error:
            # Every problem at once, so the file can be fixed in one pass.
            count = error.total
            raise CommandError(
                f"{path} was not imported ({count} problem{'' if count == 1 else 's'}):\n  "
                + "\n  ".join(error.problems)
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {count} responses into {campaign_obj}."))
