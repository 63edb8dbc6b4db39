from django.core.management.base import BaseCommand, CommandError

from assessment.framework_file import FrameworkFileError
from assessment.models import FrameworkLocked
from assessment.services import framework_load


class Command(BaseCommand):
    help = "Load a framework version from a YAML or JSON file (idempotent; refused for a version that has answers)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            framework, outcome = framework_load(path=path)
        except FrameworkFileError as error:
            raise CommandError(f"{path} is not a valid framework file:\n  " + "\n  ".join(error.problems)) from error
        except FrameworkLocked as error:
            raise CommandError(" ".join(error.messages)) from error
        counts = f"{framework.dimensions.count()} dimensions, {framework.items.count()} items"
        self.stdout.write(self.style.SUCCESS(f"Framework {framework} {outcome} ({counts})."))
