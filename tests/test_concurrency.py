"""Nothing lost under concurrency: many respondents at once, two tabs, a worker killed mid-export."""

import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.models import Answer, Department, Response
from assessment.services import invitation_create
from reports import exports
from reports.models import ExportJob

from .test_analysis import add_responses
from .test_exports import _database_url
from .test_respondent_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def respondent_session(campaign, token, values, submit=True):
    """One respondent's whole visit through the real views, as its own browser."""
    client = Client()
    department = Department.objects.get(organisation=campaign.organisation, key="rd")
    assert (
        client.post(
            reverse("respondent:start", args=[token]),
            {"role_group": "business", "department": department.pk, "tenure": "lt3"},
        ).status_code
        == 302
    )
    for key, value in values.items():
        reply = client.post(reverse("respondent:answer", args=[token]), {"item": key, "value": value})
        assert reply.status_code == 200, reply.content
    if submit:
        assert client.post(reverse("respondent:submit", args=[token]))["Location"].endswith("/done/")


def test_many_respondents_saving_and_submitting_at_once_lose_nothing(campaign):
    keys = list(campaign.framework.items.values_list("key", flat=True))
    tokens = [invitation_create(campaign=campaign)[1] for _ in range(12)]
    plans = [{key: str((i + n) % 5 + 1) for n, key in enumerate(keys)} for i in range(len(tokens))]
    results = run_together(
        *(lambda t=t, p=p: respondent_session(campaign, t, p) for t, p in zip(tokens, plans, strict=True))
    )
    assert all(r is None for r in results), results
    assert Response.objects.filter(campaign=campaign, submitted_at__isnull=False).count() == len(tokens)
    assert Answer.objects.filter(response__campaign=campaign).count() == len(tokens) * len(keys)
    for token, plan in zip(tokens, plans, strict=True):
        from assessment.tokens import token_hash

        stored = dict(
            Answer.objects.filter(response__invitation__token_hash=token_hash(token)).values_list("item__key", "value")
        )
        assert stored == {k: int(v) for k, v in plan.items()}


def test_one_response_from_two_tabs_keeps_every_answer_and_submits_once(campaign):
    keys = list(campaign.framework.items.values_list("key", flat=True))
    _invitation, token = invitation_create(campaign=campaign)
    respondent_session(campaign, token, {}, submit=False)
    half = len(keys) // 2
    tab_one = dict.fromkeys(keys[:half], "2")
    tab_two = dict.fromkeys(keys[half:], "4")

    def tab(values):
        client = Client()
        for key, value in values.items():
            assert (
                client.post(reverse("respondent:answer", args=[token]), {"item": key, "value": value}).status_code
                == 200
            )

    assert run_together(lambda: tab(tab_one), lambda: tab(tab_two)) == [None, None]
    submits = run_together(
        *(lambda: Client().post(reverse("respondent:submit", args=[token]))["Location"] for _ in range(3))
    )
    assert all(location.endswith("/done/") for location in submits)
    response = Response.objects.get(invitation__token_hash__isnull=False, campaign=campaign)
    assert response.submitted_at is not None
    assert dict(Answer.objects.filter(response=response).values_list("item__key", "value")) == {
        **dict.fromkeys(tab_one, 2),
        **dict.fromkeys(tab_two, 4),
    }


def test_a_worker_killed_mid_export_leaves_no_corrupt_zip_and_the_export_resumes(campaign, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    add_responses(campaign, 5, agreement=4, department_key="rd")
    job = exports.export_job_create(campaign=campaign, user=None)
    # A cache of its own: PDFs printed by an earlier run would let the worker finish before the kill.
    env = dict(
        os.environ,
        EXPORTS_DIR=str(settings.EXPORTS_DIR),
        DATABASE_URL=_database_url(),
        REPORT_CACHE_DIR=str(tmp_path / "report-cache"),
    )
    worker = [
        sys.executable,
        str(Path(django_settings.BASE_DIR) / "manage.py"),
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
    ]
    process = subprocess.Popen(worker, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # kill it once the first report is on disk
            job.refresh_from_db()
            if job.done_parts >= 1:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    job.refresh_from_db()
    assert 1 <= job.done_parts < job.total_parts and job.status == ExportJob.Status.RUNNING
    assert not exports.export_zip_path(job).exists()  # never a half-written archive
    assert not list(exports.export_dir(job).glob("*.zip*"))

    # two minutes of silence later, the page's poll re-queues it and a new worker finishes it
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert exports.export_job_resume_if_stalled(job=job)
    subprocess.run([*worker, "--batch"], env=env, check=True, timeout=300, capture_output=True)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done_parts == job.total_parts
    archive = zipfile.ZipFile(exports.export_zip_path(job))
    assert archive.testzip() is None and len(archive.namelist()) == job.total_parts
