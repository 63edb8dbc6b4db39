"""HR batch export: the organisation report and every department report, ja and en, in one ZIP."""

import logging
import os
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from assessment.analysis import campaign_frames
from assessment.models import Campaign

from .models import ExportJob
from .services import LANGS, report_filename, report_pdf

logger = logging.getLogger(__name__)

# A running job whose worker has said nothing for this long is taken to be dead and restarted.
STALE_AFTER = timedelta(seconds=120)


def export_dir(job):
    return Path(settings.EXPORTS_DIR) / str(job.pk)


def export_zip_path(job):
    return export_dir(job) / f"reports-{job.pk}.zip"


def export_plan(*, campaign):
    """[(department key or None, lang)]: departments that reach the anonymity threshold only."""
    frames = campaign_frames(campaign=campaign)
    sizes = frames.respondents["department"].value_counts()
    departments = sorted(k for k, n in sizes.items() if k and n >= campaign.anonymity_threshold)
    return [(None, lang) for lang in LANGS] + [(key, lang) for key in departments for lang in LANGS]


def export_job_create(*, campaign, user):
    """Create a job and queue it; the worker does the rendering."""
    job = ExportJob.objects.create(campaign=campaign, requested_by=user, total_parts=len(export_plan(campaign=campaign)))
    transaction.on_commit(lambda: export_job_run.enqueue(job.pk))
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


@task()
def export_job_run(job_id):
    job = ExportJob.objects.select_related("campaign__organisation", "campaign__framework").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return
    campaign = Campaign.objects.select_related("organisation", "framework").get(pk=job.campaign_id)
    folder = export_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    plan = export_plan(campaign=campaign)
    _beat(job, status=ExportJob.Status.RUNNING, total_parts=len(plan), error="")
    try:
        files = []
        for done, (department, lang) in enumerate(plan):
            path = folder / report_filename(campaign=campaign, lang=lang, department=department)
            if not _is_complete_pdf(path):
                _write_atomically(path, report_pdf(campaign=campaign, lang=lang, department=department))
            files.append(path)
            _beat(job, done_parts=done + 1)
        zip_path = export_zip_path(job)
        temporary = zip_path.with_suffix(".zip.tmp")
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            for path in files:
                archive.write(path, arcname=path.name)
        os.replace(temporary, zip_path)
        _beat(job, status=ExportJob.Status.DONE, finished_at=timezone.now())
    except Exception as error:
        logger.exception("export %s failed", job_id)
        _beat(job, status=ExportJob.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
        raise


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
