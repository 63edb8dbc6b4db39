"""Bounded disk: exports expire after EXPORT_RETENTION_DAYS, and a failed export leaves no
half-written file (whole PDFs stay, so a retry resumes)."""

import os
import time
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from reports import exports
from reports.models import ExportJob

from .test_exports import IMMEDIATE, add_responses, quick_pdf  # noqa: F401  (fixture)


def make_job(campaign, status, age_days):
    job = ExportJob.objects.create(campaign=campaign, status=status, total_parts=1)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    folder = exports.export_dir(job)
    folder.mkdir(parents=True)
    (folder / "report.pdf").write_bytes(b"%PDF-1.7 ... %%EOF")
    return job


def test_old_finished_exports_are_removed_with_their_files(campaign, settings, tmp_path, capsys):
    settings.EXPORTS_DIR = tmp_path
    old_done = make_job(campaign, ExportJob.Status.DONE, 8)
    old_failed = make_job(campaign, ExportJob.Status.FAILED, 30)
    old_running = make_job(campaign, ExportJob.Status.RUNNING, 8)  # still being worked on: kept
    recent = make_job(campaign, ExportJob.Status.DONE, 1)
    orphan = tmp_path / "999999"
    orphan.mkdir()
    week_ago = time.time() - 8 * 86400
    os.utime(orphan, (week_ago, week_ago))
    call_command("prune_exports")
    assert "Removed 3 exports older than 7 days." in capsys.readouterr().out
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {old_running.pk, recent.pk}
    assert not exports.export_dir(old_done).exists() and not exports.export_dir(old_failed).exists()
    assert exports.export_dir(recent).exists() and exports.export_dir(old_running).exists() and not orphan.exists()


def test_a_failed_export_removes_its_partial_files(campaign, settings, tmp_path, quick_pdf):
    settings.TASKS = IMMEDIATE
    settings.EXPORTS_DIR = tmp_path
    add_responses(campaign, 5, agreement=4, department_key="rd")
    job = ExportJob.objects.create(campaign=campaign, total_parts=4)
    folder = exports.export_dir(job)
    folder.mkdir(parents=True)
    (folder / "left-by-a-killed-worker.pdf.tmp").write_bytes(b"%PDF-1.7 half")
    (folder / "cut-short.pdf").write_bytes(b"%PDF-1.7 no end")
    quick_pdf.fail_after = 2
    exports.export_job_run.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    left = sorted(p.name for p in folder.iterdir())
    assert not any(name.endswith(".tmp") for name in left) and "cut-short.pdf" not in left
    assert len(left) == 2  # the two whole parts, for the retry
