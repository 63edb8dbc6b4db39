"""HR batch export: a background task rendering every report into one ZIP, resumable."""

import io
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports import exports
from reports.models import ExportJob

from .test_analysis import add_responses

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def export_settings(settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings


@pytest.fixture
def demo(campaign):
    """Enough people for the organisation report and one department report (rd), not for sales.

    Three people gave no department, so R&D is not the whole minus Sales' two people."""
    add_responses(campaign, 5, agreement=4, department_key="rd")
    add_responses(campaign, 2, agreement=2, department_key="sales")
    add_responses(campaign, 3, agreement=3, department_key="none")
    return campaign


@pytest.fixture
def quick_pdf(monkeypatch):
    """Where only the export's mechanics are tested, a tiny real PDF stands in for each report."""
    from reports.pdf import html_to_pdf

    tiny = html_to_pdf("<p>report</p>")
    calls = []

    def fake(**kwargs):
        calls.append((kwargs.get("department"), kwargs["lang"]))
        if getattr(fake, "fail_after", None) is not None and len(calls) > fake.fail_after:
            calls.pop()
            raise RuntimeError("worker lost")
        return tiny

    monkeypatch.setattr(exports, "report_pdf", fake)
    fake.calls = calls
    return fake


@pytest.fixture
def staff_client(client, owner):
    client.force_login(owner)
    return client


def expected_names(campaign):
    plan = exports.export_plan(campaign=campaign)
    return plan, len(plan)


def test_export_page_runs_a_job_to_a_complete_zip(
    staff_client, demo, export_settings, django_capture_on_commit_callbacks
):
    page = reverse("reports:exports", args=[demo.pk])
    assert staff_client.get(page).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(page).status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.done_parts == job.total_parts
    plan, count = expected_names(demo)
    # organisation + departments with at least 5 respondents (rd, not sales), each in ja and en
    assert plan == [(None, "ja"), (None, "en"), ("rd", "ja"), ("rd", "en")]
    status = staff_client.get(reverse("reports:export_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["download"]
    download = staff_client.get(status["download"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.testzip() is None and len(archive.namelist()) == count
    assert any(name.endswith("-ja.pdf") for name in archive.namelist())
    for name in archive.namelist():
        assert len(PdfReader(io.BytesIO(archive.read(name))).pages) >= 2
    # the page lists the job with its progress and download link
    html = staff_client.get(page).content.decode()
    assert 'aria-valuenow="100"' in html and status["download"] in html


def test_a_failed_job_resumes_without_redoing_finished_parts(
    demo, export_settings, quick_pdf, django_capture_on_commit_callbacks
):
    quick_pdf.fail_after = 2
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_job_create(campaign=demo, user=None)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and "worker lost" in job.error and job.done_parts == 2
    assert not exports.export_zip_path(job).exists()
    quick_pdf.fail_after = None
    with django_capture_on_commit_callbacks(execute=True):
        assert exports.export_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert len(quick_pdf.calls) == job.total_parts == 4  # the first two parts were not rendered again
    assert len(set(quick_pdf.calls)) == 4
    assert len(zipfile.ZipFile(exports.export_zip_path(job)).namelist()) == 4


def test_a_job_whose_worker_died_is_restarted_by_the_progress_poll(
    staff_client, demo, export_settings, quick_pdf, django_capture_on_commit_callbacks
):
    job = ExportJob.objects.create(
        campaign=demo,
        status=ExportJob.Status.RUNNING,
        total_parts=4,
        done_parts=1,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    folder = exports.export_dir(job)
    folder.mkdir(parents=True)
    cut_short = folder / exports.report_filename(campaign=demo, lang="ja")
    cut_short.write_bytes(b"%PDF-1.7\n...killed here")  # a part the dead worker never finished
    with django_capture_on_commit_callbacks(execute=True):
        state = staff_client.get(reverse("reports:export_status", args=[job.pk])).json()
    assert state["status"] == "queued"  # re-queued; the worker picks it up after this request
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done_parts == 4
    assert cut_short.read_bytes().rstrip().endswith(b"%%EOF")
    # a live job (recent heartbeat) is left alone
    busy = ExportJob.objects.create(
        campaign=demo, status=ExportJob.Status.RUNNING, total_parts=4, heartbeat_at=timezone.now()
    )
    assert exports.export_job_resume_if_stalled(job=busy) is False


def test_download_before_the_zip_is_ready_is_a_404(staff_client, demo, export_settings):
    job = ExportJob.objects.create(campaign=demo, total_parts=4)
    assert staff_client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", ["exports", "export_status", "export_download", "export_retry"])
def test_exports_are_for_hr_and_consultants_only(client, demo, export_settings, member, outsider, name):
    job = ExportJob.objects.create(campaign=demo, total_parts=4)
    url = reverse(f"reports:{name}", args=[demo.pk if name == "exports" else job.pk])
    method = client.post if name == "export_retry" else client.get
    anonymous = method(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for user in (member, outsider):  # an executive viewer reads reports but does not export
        client.force_login(user)
        assert method(url).status_code == 404
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_db_worker_process_runs_the_export(campaign, settings, tmp_path):
    """The default backend end to end: the web side queues, `manage.py db_worker` renders."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    add_responses(campaign, 5, agreement=4, department_key="rd")
    job = exports.export_job_create(campaign=campaign, user=None)  # on_commit runs: autocommit here
    env = dict(
        os.environ,
        EXPORTS_DIR=str(settings.EXPORTS_DIR),
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        REPORT_CACHE_DIR=str(tmp_path / "report-cache"),
    )
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert zipfile.ZipFile(exports.export_zip_path(job)).testzip() is None


@pytest.mark.django_db(transaction=True)
def test_a_real_rq_worker_process_runs_the_export_from_redis(campaign, settings, tmp_path, redis_queue):
    """The scale-out backend: the web side queues on Redis, `manage.py rqworker --burst` renders."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    add_responses(campaign, 5, agreement=4, department_key="rd")
    job = exports.export_job_create(campaign=campaign, user=None)
    env = dict(
        os.environ,
        EXPORTS_DIR=str(settings.EXPORTS_DIR),
        DJANGO_SETTINGS_MODULE="config.settings",
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        DATABASE_URL=_database_url(),
        REDIS_URL=redis_queue,
        REPORT_CACHE_DIR=str(tmp_path / "report-cache"),
    )
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.backend.Job"],
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert zipfile.ZipFile(exports.export_zip_path(job)).testzip() is None


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_the_export_reads_the_campaign_once_for_every_part(
    demo, export_settings, monkeypatch, django_capture_on_commit_callbacks
):
    from assessment import analysis

    reads = []
    real = analysis.campaign_frames
    monkeypatch.setattr(analysis, "campaign_frames", lambda **kw: reads.append(kw["campaign"].pk) or real(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_job_create(campaign=demo, user=None)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.total_parts == 4
    # one read to plan the job when it is created, one when the worker runs it: none per PDF
    assert reads == [demo.pk, demo.pk]
    for name in zipfile.ZipFile(exports.export_zip_path(job)).namelist():
        assert name.endswith(".pdf")


@pytest.mark.django_db(transaction=True)
def test_the_export_prints_its_parts_in_two_processes(campaign, settings, tmp_path, monkeypatch):
    import time

    from reports.pdf import html_to_pdf

    settings.EXPORTS_DIR = tmp_path / "exports"
    add_responses(campaign, 5, agreement=4, department_key="rd")
    tiny = html_to_pdf("<p>report</p>")
    log = tmp_path / "printers"

    def printer(**kwargs):  # runs in the forked children
        assert kwargs["frames"] is not None  # the parent's single read, not a read of their own
        time.sleep(0.3)
        with open(log, "a") as out:
            out.write(f"{os.getpid()} {kwargs['department']} {kwargs['lang']}\n")
        return tiny

    monkeypatch.setattr(exports, "report_pdf", printer)
    monkeypatch.setattr(exports, "EXPORT_PROCESSES", 2)
    job = ExportJob.objects.create(campaign=campaign, total_parts=4)
    exports.export_job_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done_parts == 4
    lines = log.read_text().split()
    pids = set(lines[0::3])
    assert len(pids) == 2 and str(os.getpid()) not in pids
    assert sorted(zip(lines[1::3], lines[2::3], strict=True)) == [
        ("None", "en"),
        ("None", "ja"),
        ("rd", "en"),
        ("rd", "ja"),
    ]
    assert len(zipfile.ZipFile(exports.export_zip_path(job)).namelist()) == 4


def test_a_job_is_run_once_however_often_its_task_is_delivered(demo, export_settings, quick_pdf):
    job = ExportJob.objects.create(campaign=demo, total_parts=0)
    exports.export_job_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and len(quick_pdf.calls) == 4
    exports.export_job_run.call(job.pk)  # delivered again after it finished
    running = ExportJob.objects.create(campaign=demo, status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now())
    exports.export_job_run.call(running.pk)  # delivered while another worker has it
    running.refresh_from_db()
    assert running.status == ExportJob.Status.RUNNING and running.done_parts == 0
    assert len(quick_pdf.calls) == 4
