"""scripts/serve.sh supervises its processes: a killed task worker or gunicorn is started again.

Runs the real script (migrate, deploy check, collectstatic, gunicorn and `manage.py worker`) on a
throwaway SQLite database and a free port, kills each process with SIGKILL (as the kernel's
out-of-memory killer would) and waits for the loop to start a new one.
"""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _pid(run_dir, name):
    try:
        return int((run_dir / f"{name}.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _answers(port):
    """True when gunicorn answers at all (503 is an answer: /healthz also judges the worker)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _wait(condition, seconds, what, server):
    deadline = time.monotonic() + seconds
    while not condition():
        assert server.poll() is None, f"serve.sh exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)


def test_serve_sh_starts_a_killed_worker_and_web_server_again(tmp_path):
    port, run_dir, log = _free_port(), tmp_path / "run", tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SERVE_RUN_DIR": str(run_dir),
        "STATIC_ROOT": str(tmp_path / "static"),
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "REPORT_CACHE_DIR": str(tmp_path / "cache"),
    }
    with open(log, "wb") as output:
        server = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh")],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait(
            lambda: _pid(run_dir, "worker") and _pid(run_dir, "web") and _answers(port), 240, "the first start", server
        )

        worker = _pid(run_dir, "worker")
        os.kill(worker, signal.SIGKILL)
        _wait(
            lambda: _pid(run_dir, "worker") not in (None, worker) and _alive(_pid(run_dir, "worker")),
            60,
            "a new worker",
            server,
        )
        assert "serve.sh: worker exited (status 137); starting it again in 2 s" in log.read_text()

        web = _pid(run_dir, "web")
        os.kill(web, signal.SIGKILL)  # the gunicorn master; its worker follows it down
        _wait(lambda: _pid(run_dir, "web") not in (None, web) and _answers(port), 120, "gunicorn again", server)
        assert "serve.sh: web exited (status 137); starting it again in 2 s" in log.read_text()
        assert server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # serve.sh's own stop: TERM to everything it started
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    for name in ("worker", "web"):
        pid = _pid(run_dir, name)
        deadline = time.monotonic() + 20
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not (pid and _alive(pid)), f"{name} outlived serve.sh"
