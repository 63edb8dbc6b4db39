"""HR batch export: the organisation report and every department report, ja and en, in one ZIP."""

import logging
import multiprocessing
import os
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from assessment.errors import ApplicationError
from assessment.models import Campaign

from .models import ExportJob
from .services import LANGS, report_filename, report_pdf

logger = logging.getLogger(__name__)

# A running job whose worker has said nothing for this long is taken to be dead and restarted.
STALE_AFTER = timedelta(seconds=120)
# Finished and failed exports (rows and files) are deleted after this many days.
RETENTION = timedelta(days=int(os.environ.get("EXPORT_RETENTION_DAYS", "7")))
# Parts are printed by this many forked processes (WeasyPrint holds one core per render).
EXPORT_PROCESSES = int(os.environ.get("EXPORT_PROCESSES", "2"))


def export_dir(job):
    return Path(settings.EXPORTS_DIR) / str(job.pk)


def export_zip_path(job):
    return export_dir(job) / f"reports-{job.pk}.zip"


def export_plan(*, campaign, frames=None):
    """[(department key or None, lang)]: only the departments the latest release publishes.

    A department that reaches the threshold may still be left out: when the rest of the
    organisation, or a department's growth since the last release, would isolate fewer people.
    """
    from assessment.analysis import campaign_results_core  # pandas: imported where used

    departments = sorted(campaign_results_core(campaign=campaign, frames=frames).get("published_departments", []))
    return [(None, lang) for lang in LANGS] + [(key, lang) for key in departments for lang in LANGS]


class QueueUnavailable(ApplicationError):
    """The task queue (Redis, or the database queue) could not take the job; nothing was created."""


def export_job_create(*, campaign, user):
    """Create a job and queue it; the worker does the rendering.

    A job already waiting or running for the campaign is returned instead of a second one
    (two clicks, two colleagues), decided under the campaign's row lock. When the queue cannot
    take it, the job is deleted again and QueueUnavailable raised: no orphan waits forever.
    """
    total = len(export_plan(campaign=campaign))
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        unfinished = campaign.export_jobs.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]).first()
        if unfinished is not None:
            return unfinished
        job = ExportJob.objects.create(campaign=campaign, requested_by=user, total_parts=total)
    try:
        export_job_run.enqueue(job.pk)
    except Exception as error:  # redis.ConnectionError, a database error for the database queue, ...
        logger.error("export %s not queued, removed again: %s: %s", job.pk, type(error).__name__, error)
        try:
            job.delete()
        except Exception:  # the database queue's own database is gone: the stall check restarts it
            logger.exception("export %s could not be removed", job.pk)
        raise QueueUnavailable(str(error)) from error
    return job


def _is_complete_pdf(path):
    """A part left by a killed worker may be cut short; only whole PDFs are kept."""
    try:
        with open(path, "rb") as handle:
            if handle.read(5) != b"%PDF-":
                return False
            handle.seek(max(0, path.stat().st_size - 1024))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _write_atomically(path, data):
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # readers see the old file or the whole new one, never half


def _beat(job, **fields):
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **fields)


# What the forked printers inherit: set by the parent just before it forks them.
_batch: dict[str, object] = {}


def _render_part(part):
    """Print one part (in a forked process, or in this one) to its file, if it has a path, and
    to the report cache; returns the part."""
    department, lang, path = part
    pdf = report_pdf(campaign=_batch["campaign"], lang=lang, department=department, frames=_batch["frames"])
    if path is not None:
        _write_atomically(Path(path), pdf)
    return part


def _printer_start():
    """In each forked printer: its own database connection, and the default signal handlers.

    The worker's SIGTERM handler (inherited with the fork) only asks a running task to stop, so
    the pool's terminate() at the end of every export would leave the printers waiting forever
    and the worker hung in join (seen with db_worker).
    """
    import signal

    from . import pdf_parts  # WeasyPrint: imported where used

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    connections.close_all()
    # The printers already keep both cores busy with whole parts: halving a part would only add work.
    pdf_parts.PDF_PROCESSES = 1


def parts_print(parts, *, campaign, frames, on_done=lambda part: None):
    """Print `parts`, [(department or None, lang, file path or None)], from one read of the
    campaign, in EXPORT_PROCESSES forked processes when possible.

    Inside a transaction (tests) the children could not see its rows, so the parts are printed
    here, one by one. Database connections are closed before forking: a child opens its own.
    """
    _batch.update(campaign=campaign, frames=frames)
    try:
        if EXPORT_PROCESSES < 2 or len(parts) < 2 or connection.in_atomic_block:
            for part in parts:
                on_done(_render_part(part))
            return
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(min(EXPORT_PROCESSES, len(parts)), initializer=_printer_start) as pool:
            for part in pool.imap_unordered(_render_part, parts):
                on_done(part)
    finally:
        _batch.clear()


@task()
def export_job_run(job_id):
    from assessment.analysis import campaign_frames

    # The run that moves the job from queued to running owns it: a second delivery of the same
    # task (a re-queue racing a slow worker, a queue that delivers twice) finds it taken and stops.
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now()
    ):
        logger.info("export %s: already taken or finished, nothing to do", job_id)
        return
    job = ExportJob.objects.select_related("campaign__organisation", "campaign__framework").get(pk=job_id)
    try:
        exports_prune()
    except Exception:  # housekeeping never costs the export itself
        logger.exception("pruning old exports failed")
    campaign = Campaign.objects.select_related("organisation", "framework").get(pk=job.campaign_id)
    folder = export_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    frames = campaign_frames(campaign=campaign)  # read once for the plan and every part
    plan = export_plan(campaign=campaign, frames=frames)
    _beat(job, status=ExportJob.Status.RUNNING, total_parts=len(plan), error="")
    try:
        files = [
            folder / report_filename(campaign=campaign, lang=lang, department=department) for department, lang in plan
        ]
        todo = [
            (department, lang, str(path))
            for (department, lang), path in zip(plan, files, strict=True)
            if not _is_complete_pdf(path)
        ]
        done = len(files) - len(todo)

        def on_done(_part):
            nonlocal done
            done += 1
            _beat(job, done_parts=done)

        if done:
            _beat(job, done_parts=done)
        parts_print(todo, campaign=campaign, frames=frames, on_done=on_done)
        zip_path = export_zip_path(job)
        temporary = zip_path.with_suffix(".zip.tmp")
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            for path in files:
                archive.write(path, arcname=path.name)
        os.replace(temporary, zip_path)
        _beat(job, status=ExportJob.Status.DONE, finished_at=timezone.now())
    except Exception as error:
        logger.exception("export %s failed", job_id)
        _remove_partial_files(folder)
        _beat(job, status=ExportJob.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
        raise


def _remove_partial_files(folder):
    """Half-written files go (a retry writes them again); whole PDFs stay, so a retry resumes."""
    for path in Path(folder).glob("*.tmp"):
        path.unlink(missing_ok=True)
    for path in Path(folder).glob("*.pdf"):
        if not _is_complete_pdf(path):
            path.unlink(missing_ok=True)


def exports_prune(*, now=None):
    """Delete finished and failed exports older than RETENTION, rows and folders; returns how many.

    Run at the start of every export (so disk stays bounded without a cron job) and by
    `manage.py prune_exports`. Folders without a job (a job deleted by hand) go too.
    """
    import shutil

    cutoff = (now or timezone.now()) - RETENTION
    old = ExportJob.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    )
    removed = 0
    for job in old:
        shutil.rmtree(export_dir(job), ignore_errors=True)
        job.delete()
        removed += 1
    root = Path(settings.EXPORTS_DIR)
    if root.is_dir():
        known = {str(pk) for pk in ExportJob.objects.values_list("pk", flat=True)}
        for folder in root.iterdir():
            if (
                folder.is_dir()
                and folder.name.isdigit()
                and folder.name not in known
                and folder.stat().st_mtime < cutoff.timestamp()
            ):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed


def export_job_resume_if_stalled(*, job):
    """Re-queue a job whose worker died (restart, crash). Returns True when it was re-queued."""
    cutoff = timezone.now() - STALE_AFTER
    unfinished = [ExportJob.Status.RUNNING, ExportJob.Status.QUEUED]
    stalled = ExportJob.objects.filter(pk=job.pk, status__in=unfinished).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    # The conditional update is the lock: of two pollers seeing the same stall, one re-queues.
    if stalled.update(status=ExportJob.Status.QUEUED, heartbeat_at=timezone.now()):
        transaction.on_commit(lambda: export_job_run.enqueue(job.pk))
        return True
    return False


def export_job_retry(*, job):
    """Start a failed job again; parts already rendered are kept."""
    if ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED).update(
        status=ExportJob.Status.QUEUED, heartbeat_at=timezone.now(), error=""
    ):
        transaction.on_commit(lambda: export_job_run.enqueue(job.pk))
        return True
    return False
