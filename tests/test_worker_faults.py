"""Workers that survive, and faults said plainly: /healthz, the export page without a worker,
an export started while Redis is down, repeated clicks, and a db worker across a database
outage (through tests/faultproxy.py)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from reports import exports
from reports.models import ExportJob, WorkerHeartbeat
from reports.workers import heartbeat_beat

from .faultproxy import FaultProxy

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}


@pytest.fixture
def staff(client, owner):
    client.force_login(owner)
    return client


def test_healthz_reports_database_queue_and_worker(client, db, settings):
    settings.TASKS = DB_QUEUE
    report = client.get("/healthz").json()
    assert report["ok"] and report["database"]["ok"] and report["queue"] == {"ok": True, "backend": "database"}
    assert report["worker"]["ok"] is False and report["worker"]["last_heartbeat"] is None
    heartbeat_beat(worker_id="w1", started_at=timezone.now())
    worker = client.get("/healthz").json()["worker"]
    assert worker["ok"] and worker["alive"] == 1 and worker["seconds_since"] <= 1
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timezone.timedelta(minutes=5))
    stale = client.get("/healthz").json()["worker"]
    assert stale["ok"] is False and 290 <= stale["seconds_since"] <= 310


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("reports.workers.database_ping", down)
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.json()["database"] == {"ok": False, "error": "OperationalError"} and reply.json()["ok"] is False


def test_healthz_with_redis_down_says_so(client, db, redis_down):
    # the fixture restores django-rq's queue settings afterwards: later tests use the real Redis
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.json()["queue"]["ok"] is False


@pytest.fixture
def redis_down(settings):
    from django_rq import settings as rq_settings

    original = rq_settings.QUEUES
    settings.TASKS = RQ_QUEUE
    settings.RQ_QUEUES = rq_settings.QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    yield
    rq_settings.QUEUES = original


def test_the_export_page_says_when_no_worker_is_running(staff, campaign, settings):
    settings.TASKS = DB_QUEUE
    url = reverse("reports:exports", args=[campaign.pk])
    assert "No task worker is running" in staff.get(url).content.decode()
    heartbeat_beat(worker_id="w1", started_at=timezone.now())
    assert "No task worker is running" not in staff.get(url).content.decode()


def test_an_export_started_while_redis_is_down_says_so_and_leaves_no_job(staff, campaign, redis_down):
    url = reverse("reports:exports", args=[campaign.pk])
    page = staff.post(url, follow=True).content.decode()
    assert "The export could not be started: the task queue is not reachable." in page
    assert "No task worker is running" in page  # the page itself still shows
    assert not ExportJob.objects.exists()


def test_repeated_clicks_make_one_job(staff, campaign, settings, tmp_path):
    settings.TASKS = DB_QUEUE
    settings.EXPORTS_DIR = tmp_path
    url = reverse("reports:exports", args=[campaign.pk])
    for _ in range(3):
        assert staff.post(url).status_code == 302
    assert ExportJob.objects.count() == 1
    ExportJob.objects.update(status=ExportJob.Status.DONE)
    staff.post(url)  # once finished, a new export is a new job
    assert ExportJob.objects.count() == 2


# --- a real worker process across a database outage (PostgreSQL behind the fault proxy) ---------


@pytest.mark.django_db(transaction=True)
def test_the_worker_reconnects_after_a_database_outage(campaign, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL behind a TCP proxy (DATABASE_URL=postgres://...)")
    db = connection.settings_dict
    proxy = FaultProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        TASKS_BACKEND=DB_QUEUE["default"]["BACKEND"],
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        DB_CONNECT_TIMEOUT="2",
        EXPORTS_DIR=str(tmp_path),
        REPORT_CACHE_DIR=str(tmp_path / "cache"),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    worker = subprocess.Popen(
        [
            sys.executable,
            str(manage),
            "worker",
            "--no-reload",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.exists():
            assert time.monotonic() < deadline and worker.poll() is None, "the worker did not start"
            time.sleep(0.2)
        proxy.cut()  # the database goes away for a while
        time.sleep(4)
        assert worker.poll() is None, "the worker exited on the outage"
        proxy.restore()
        settings.TASKS = DB_QUEUE
        settings.EXPORTS_DIR = tmp_path
        job = exports.export_job_create(campaign=campaign, user=None)  # work queued after the outage
        deadline = time.monotonic() + 180
        while ExportJob.objects.get(pk=job.pk).status not in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            assert time.monotonic() < deadline and worker.poll() is None, "the worker did not pick up new work"
            time.sleep(0.5)
        assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
        proxy.close()
        with connection.cursor() as cursor:  # sessions the cut left behind would block dropping the test database
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    assert "database unavailable" in output
