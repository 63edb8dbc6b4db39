"""Clear pages and logged errors: bilingual 500 and CSRF pages, JSON errors for the autosave
script, request errors on stderr with context but no tokens, access logs with tokens masked."""

import io
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.models import Answer, Department

JSON = {"HTTP_ACCEPT": "application/json"}


def url(name, token, *args):
    return reverse(f"respondent:{name}", args=[token, *args])


@pytest.fixture
def started(client, campaign, token):
    department = Department.objects.get(organisation=campaign.organisation, key="rd")
    client.post(url("start", token), {"role_group": "business", "department": department.pk, "tenure": "y3_10"})
    return token


@pytest.fixture
def broken_save(monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database gone while saving")

    monkeypatch.setattr("assessment.views.services.answers_save", explode)  # the dimension page
    monkeypatch.setattr("assessment.views.services.answer_autosave", explode)  # autosave


@pytest.fixture
def request_log():
    """The stderr handler LOGGING configured for django.request, writing into a buffer."""
    handler = logging.getLogger("django.request").handlers[0]
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_server_error_page_is_bilingual_with_a_way_back(campaign, started, client, broken_save):
    client.raise_request_exception = False
    page = client.post(url("dimension", started, "vision"), {"item_vision_01": "3", "go": "next"})
    assert page.status_code == 500
    html = page.content.decode()
    assert "Sorry, something went wrong on the server." in html
    assert "サーバーでエラーが発生しました" in html
    assert 'href="/"' in html


def test_autosave_gets_json_for_a_server_error_and_the_log_has_context_but_no_token(
    campaign, started, client, broken_save, request_log, owner
):
    client.raise_request_exception = False
    reply = client.post(url("answer", started), {"item": "vision_01", "value": "3"}, **JSON)
    assert reply.status_code == 500
    assert reply.json()["ok"] is False and reply.json()["code"] == "server_error"
    assert "sent again" in reply.json()["error"]
    logged = request_log.getvalue()
    assert "RuntimeError: database gone while saving" in logged  # the traceback is there
    assert "method=POST path=/r/***/answer/ status=500" in logged
    assert started not in logged
    assert "owner" not in logged and "@" not in logged


def test_closed_campaign_autosave_gets_json_saying_so(campaign, started, client):
    campaign.closes_at = timezone.now() - timedelta(minutes=1)
    campaign.save()
    reply = client.post(url("answer", started), {"item": "vision_01", "value": "3"}, **JSON)
    assert reply.status_code == 410
    assert reply.json() == {"ok": False, "code": "closed", "error": reply.json()["error"]}
    assert "has closed" in reply.json()["error"]
    assert not Answer.objects.exists()
    ja = client.post(url("answer", started), {"item": "vision_01", "value": "3"}, HTTP_ACCEPT_LANGUAGE="ja", **JSON)
    assert ja.json()["error"] != reply.json()["error"]  # translated


def test_unknown_link_autosave_gets_json(client, db):
    reply = client.post("/r/not-a-token/answer/", {"item": "vision_01", "value": "3"}, **JSON)
    assert reply.status_code == 404 and reply.json()["ok"] is False


def test_csrf_failure_is_a_bilingual_page_with_a_way_back_and_json_for_autosave(campaign, started):
    client = Client(enforce_csrf_checks=True)
    page = client.post(url("start", started), {"tenure": "lt3"})
    assert page.status_code == 403
    html = page.content.decode()
    assert "This page has expired." in html and "このページの有効期限が切れました" in html
    assert f'href="{url("start", started)}"' in html
    reply = client.post(url("answer", started), {"item": "vision_01", "value": "3"}, **JSON)
    assert reply.status_code == 403
    assert reply.json()["code"] == "csrf" and "Reload" in reply.json()["error"]


def test_not_found_warnings_mask_the_token(client, db, request_log):
    client.get("/r/secret-token-value/")
    client.get("/j/SECRETCODE/")
    logged = request_log.getvalue()
    assert "Not Found: /r/***/" in logged and "/j/***/" in logged
    assert "secret-token-value" not in logged and "SECRETCODE" not in logged


def test_gunicorn_access_log_masks_tokens_and_codes():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from config.logs import AccessLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = AccessLogger(cfg)
    buffer = io.StringIO()
    logger.access_log.handlers[0].setStream(buffer)
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/r/tok-SECRET/answer/?next=%2Fj%2FCODE99%2F",
        "PATH_INFO": "/r/tok-SECRET/answer/",
        "QUERY_STRING": "next=%2Fj%2FCODE99%2F",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://x.example/r/tok-SECRET/d/vision/",
    }
    resp = SimpleNamespace(status="200 OK", sent=12, headers=[])
    logger.access(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    line = buffer.getvalue()
    assert "POST /r/***/answer/?next=%2Fj%2F***%2F" in line and "https://x.example/r/***/d/vision/" in line
    assert "SECRET" not in line and "CODE99" not in line
