"""The task worker to run in production: django-tasks' database worker, made to survive.

- A database outage no longer ends the process: the error is logged, connections are dropped,
  and the loop starts again after a pause that grows to RETRY_MAX (the task being run when the
  database vanished is left to the export's own resume: its heartbeat falls silent).
- A heartbeat row (reports.WorkerHeartbeat) tells /healthz and the export page it is alive.

Same options as `db_worker` (e.g. --queue-name '*' --no-reload).
"""

import logging
import threading
import time

from django.db import DatabaseError, InterfaceError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from reports.workers import heartbeat_thread

logger = logging.getLogger("reports.worker")
RETRY_FIRST, RETRY_MAX = 1.0, 30.0


class SurvivingWorker(Worker):
    def run(self):
        stop = threading.Event()
        beat = heartbeat_thread(worker_id=self.worker_id, stop=stop)
        pause = RETRY_FIRST
        try:
            while self.running:
                try:
                    return super().run()  # batch or max-tasks finished, or a signal stopped it
                except (DatabaseError, InterfaceError) as error:
                    logger.error(
                        "worker %s: database unavailable (%s); retrying in %.0f s",
                        self.worker_id,
                        str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
                        pause,
                    )
                    connections.close_all()
                    deadline = time.monotonic() + pause
                    while self.running and time.monotonic() < deadline:
                        time.sleep(0.2)
                    pause = min(pause * 2, RETRY_MAX)
        finally:
            stop.set()
            beat.join(5)


class Command(DbWorkerCommand):
    help = "Run queued tasks (database queue); survives database outages and reports a heartbeat."

    def handle(self, *args, **options):
        import django_tasks_db.management.commands.db_worker as module

        original = module.Worker
        module.Worker = SurvivingWorker  # handle() builds its Worker from the module's name
        try:
            return super().handle(*args, **options)
        finally:
            module.Worker = original
