"""A release's PDFs printed ahead in the background, so that a later batch export collects them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment.analysis import campaign_results
from assessment.models import Release
from reports import exports, release_pdfs
from reports.models import ExportJob

from .test_analysis import add_responses
from .test_exports import IMMEDIATE


@pytest.fixture
def files_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "reports": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "c")},
    }
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings


@pytest.fixture
def released(campaign, django_capture_on_commit_callbacks):
    """A campaign whose first release (organisation and R&D published) has just been cut."""
    add_responses(campaign, 5, agreement=4, department_key="rd")
    add_responses(campaign, 2, agreement=2, department_key="sales")
    add_responses(campaign, 3, agreement=3, department_key="none")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        campaign_results(campaign=campaign)
    campaign.callbacks = callbacks
    return campaign


@pytest.fixture
def printer(monkeypatch):
    """Counts real prints (the HTML-to-PDF step), whatever the cache holds."""
    from reports import pdf

    prints = []
    real = pdf.html_to_pdf

    def counted(html, **kwargs):
        prints.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdf", counted)
    return prints


def test_a_new_release_queues_its_pdfs_after_the_delay(released):
    release = Release.objects.get(campaign=released)
    assert len(released.callbacks) == 1
    queued = DBTaskResult.objects.get(task_path="reports.release_pdfs.release_pdfs_print")
    assert queued.args_kwargs["args"] == [released.pk, release.number]
    delay = queued.run_after - timezone.now()
    assert release_pdfs.PRINT_DELAY - timedelta(minutes=1) < delay <= release_pdfs.PRINT_DELAY


def test_reading_an_unchanged_release_queues_nothing_more(released, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        campaign_results(campaign=released)
    assert callbacks == []
    assert DBTaskResult.objects.filter(task_path="reports.release_pdfs.release_pdfs_print").count() == 1


def test_printed_ahead_the_export_prints_nothing_again(released, files_cache, settings, printer):
    number = Release.objects.get(campaign=released).number
    assert release_pdfs.release_pdfs_print.call(released.pk, number) == 4  # organisation + R&D, ja and en
    assert len(printer) == 4
    settings.TASKS = IMMEDIATE
    job = ExportJob.objects.create(campaign=released, total_parts=0)
    exports.export_job_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done_parts == 4
    assert len(printer) == 4  # every part came from the cache


def test_a_report_printed_another_day_is_the_same_document(released, files_cache, printer, monkeypatch):
    """The cover dates the report by its release, not by the day it is printed."""
    from reports.services import report_pdf

    first = report_pdf(campaign=released, lang="en")
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert report_pdf(campaign=released, lang="en") == first
    assert len(printer) == 1


def test_a_superseded_release_is_not_printed(released, printer):
    number = Release.objects.get(campaign=released).number
    add_responses(released, 5, agreement=1, department_key="rd")
    campaign_results(campaign=released)  # cuts release 2
    assert Release.objects.filter(campaign=released).count() == 2
    assert release_pdfs.release_pdfs_print.call(released.pk, number) == "superseded"
    assert printer == []
