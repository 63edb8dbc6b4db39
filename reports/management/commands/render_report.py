from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Campaign, Department
from reports.services import report_pdf


class Command(BaseCommand):
    help = "Render a campaign's organisation report (or one department's) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="campaign id")
        parser.add_argument("--lang", choices=["ja", "en"], default="ja")
        parser.add_argument("--department", help="department key: that department's report instead")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")

    def handle(self, *args, campaign, lang, department, output, **options):
        found = Campaign.objects.select_related("organisation", "framework").filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"No campaign with id {campaign}.")
        if department and not Department.objects.filter(organisation=found.organisation, key=department).exists():
            keys = ", ".join(found.organisation.departments.values_list("key", flat=True)) or "none"
            raise CommandError(f"No department {department!r} in {found.organisation}; known: {keys}.")
        pdf = report_pdf(campaign=found, lang=lang, department=department)
        try:
            Path(output).write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(pdf) // 1024} kB)."))
