"""Task workers that survive: heartbeats, liveness, and a queue that is down said plainly.

`manage.py worker` (reports/management/commands/worker.py) runs django-tasks' database worker,
reconnects after a database outage instead of exiting, and beats here every BEAT seconds.
"""

import contextlib
import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BEAT = timedelta(seconds=10)
# No beat for this long: the worker is taken to be gone (three missed beats).
ALIVE_WITHIN = timedelta(seconds=30)


def rq_backend():
    return settings.TASKS["default"]["BACKEND"].endswith("RQBackend")


def heartbeat_beat(*, worker_id, started_at):
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def heartbeat_thread(*, worker_id, stop):
    """Beats from a thread of its own (its own connection), so a long export still beats."""
    started_at = timezone.now()

    def run():
        while not stop.is_set():
            try:
                heartbeat_beat(worker_id=worker_id, started_at=started_at)
            except DatabaseError as error:
                logger.warning("worker %s: heartbeat not written (database unavailable: %s)", worker_id, error)
                connection.close()
            stop.wait(BEAT.total_seconds())
        with contextlib.suppress(DatabaseError):
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()  # a clean stop is not a dead worker
        connection.close()

    thread = threading.Thread(target=run, name="heartbeat", daemon=True)
    thread.start()
    return thread


def workers_alive():
    """(how many workers beat recently, the latest beat or None). RQ workers are counted by Redis."""
    if rq_backend():
        from django_rq import get_connection
        from rq import Worker

        return Worker.count(connection=get_connection("default")), None
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - ALIVE_WITHIN).count()
    return alive, latest


def database_ping():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def queue_ping():
    """Raises when the task queue cannot be reached (Redis for RQ; the database otherwise)."""
    if rq_backend():
        from django_rq import get_connection

        get_connection("default").ping()
    else:
        database_ping()
