"""The web server with its database connection cut or stalled (PostgreSQL behind tests/faultproxy.py).

A real gunicorn (production settings: DEBUG off, hashed static files) talks to the test database
through the fault proxy. A respondent's autosave while the connection is cut gets the JSON error
the page understands ("kept on this device and sent again") within the connect timeout, and a
page gets the bilingual error page; a save stalled behind a frozen connection is abandoned by the
client and sent again. When the database is back, every answer is there exactly once.
"""

import http.cookiejar
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from assessment.models import Answer, Department, Invitation
from assessment.services import response_start
from assessment.tokens import token_hash

from .faultproxy import FaultProxy

ROOT = Path(settings.BASE_DIR)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, the CSRF header the autosave script sends, timeouts."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request, timeout):
        try:
            with self.opener.open(request, timeout=timeout) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path, timeout=30):
        return self._open(urllib.request.Request(self.base + path), timeout)

    def save(self, token, item, value, timeout=30):
        csrf = next(c.value for c in self.cookies if c.name == "csrftoken")
        request = urllib.request.Request(
            f"{self.base}/r/{token}/answer/",
            data=urllib.parse.urlencode({"item": item, "value": value}).encode(),
            headers={"Accept": "application/json", "X-CSRFToken": csrf},
        )
        status, body = self._open(request, timeout)
        return status, json.loads(body)


@pytest.fixture
def started_token(campaign, make_token):
    token = make_token()
    invitation = Invitation.objects.get(token_hash=token_hash(token))
    response_start(
        invitation=invitation,
        role_group="business",
        department=Department.objects.get(organisation=campaign.organisation, key="rd"),
        tenure="lt3",
    )
    return token


@pytest.fixture
def server(tmp_path):
    """gunicorn with production settings, its database connection through a FaultProxy."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL behind a TCP proxy (DATABASE_URL=postgres://...)")
    db = connection.settings_dict
    proxy = FaultProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DB_CONNECT_TIMEOUT": "2",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "REPORT_CACHE_DIR": str(tmp_path / "cache"),
    }
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=300
    )
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--logger-class",
                "config.logs.AccessLogger",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # 503 (no worker) is an answer
            except OSError:
                assert gunicorn.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield base, proxy, log
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        proxy.close()
        with connection.cursor() as cursor:  # sessions the cut left behind would block dropping the test database
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def answers():
    return dict(Answer.objects.values_list("item__key", "value"))


def test_a_cut_or_stalled_database_gives_clear_errors_and_loses_no_answer(server, started_token):
    base, proxy, log = server
    browser = Browser(base)
    token = started_token
    assert browser.get(f"/r/{token}/d/vision/")[0] == 200
    assert browser.save(token, "vision_01", 4)[0] == 200

    proxy.cut()  # the database goes away
    started = time.monotonic()
    status, reply = browser.save(token, "vision_02", 2)
    assert status == 500 and reply["code"] == "server_error" and "sent again" in reply["error"]
    status, page = browser.get(f"/r/{token}/d/vision/")
    assert time.monotonic() - started < 20  # within the connect timeout, not a hung request
    assert (
        status == 500
        and "Sorry, something went wrong on the server." in page
        and "サーバーでエラーが発生しました" in page
    )

    proxy.restore()
    status, reply = browser.save(token, "vision_02", 2)  # the page's retry
    assert status == 200 and reply["ok"] is True

    proxy.stall()  # the connection freezes mid-request: the client gives up, as the page does after 10 s
    with pytest.raises(TimeoutError):
        browser.save(token, "vision_03", 5, timeout=3)
    threading.Timer(2, proxy.restore).start()
    status, reply = browser.save(token, "vision_03", 5, timeout=60)  # sent again; served once the stall ends
    assert status == 200 and reply["ok"] is True

    assert answers() == {"vision_01": 4, "vision_02": 2, "vision_03": 5}
    assert Answer.objects.count() == 3  # nothing lost, nothing twice
    logged = log.read_text()
    assert "status=500" in logged and token not in logged  # the errors are logged, the link is not
