from django.core.management.base import BaseCommand

from followthrough.services import action_reminders_send
from followthrough.tasks import action_reminders_run


class Command(BaseCommand):
    help = "E-mail reminders for open actions due within a week (once per due date). Run daily, e.g. from cron."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="queue the run on the task worker instead")

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = action_reminders_run.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        outcome = action_reminders_send()
        self.stdout.write(f"sent {outcome['sent']}, skipped (no recipient) {outcome['skipped']}")
