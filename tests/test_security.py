"""Deployment checks, headers, sign-in throttling, CSRF and the dashboard's reach."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from assessment.services import invitation_create, invitation_token
from assessment.tokens import token_hash

from .conftest import PASSWORD

ROOT = Path(settings.BASE_DIR)


def test_check_deploy_with_production_settings_prints_no_warnings(tmp_path):
    env = dict(
        {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # a test-only switch
        # an empty database of its own: the checkout's development database may hold `make run`'s
        # demo logins, which the deploy check rightly refuses (tests/test_production_settings.py)
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="readiness.example.com",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"} | {"DJANGO_DEBUG": "false"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "DJANGO_SECRET_KEY must be set" in done.stderr


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/r/unknown/"])
def test_every_page_carries_a_strict_content_security_policy(client, db, path):
    reply = client.get(path)
    policy = reply["Content-Security-Policy"]
    scripts = re.search(r"script-src ([^;]*)", policy).group(1)
    assert scripts.strip() == "'self'"  # no inline or remote script
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert reply["Referrer-Policy"] == "same-origin"  # respondent tokens live in URLs
    assert reply["X-Frame-Options"] == "DENY"


def test_no_template_contains_an_inline_script():
    """The CSP forbids inline script; a data block (type application/json) is not script."""
    for template in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text(encoding="utf-8")):
            assert "src=" in tag or 'type="application/json"' in tag, f"{template}: {tag}"


def test_sign_in_locks_after_five_failures_and_cools_off(owner, settings):
    # A cool-off long enough for a loaded machine; the wait is simulated by ageing the attempts.
    settings.AXES_COOLOFF_TIME = timedelta(seconds=60)
    client = Client()
    for _ in range(4):
        reply = client.post(reverse("login"), {"username": "owner", "password": "wrong"})
        assert reply.status_code == 200 and "not right" in reply.content.decode()
    fifth = client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert fifth.status_code == 429  # the fifth failure locks the account
    locked = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert locked.status_code == 429 and "Sign-in is paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=61))
    unlocked = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert unlocked.status_code == 302 and unlocked["Location"] == reverse("console:dashboard")


def test_sign_in_and_forms_need_the_csrf_token(owner, campaign):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "owner", "password": PASSWORD}).status_code == 403
    strict.force_login(owner)
    assert strict.post(reverse("reports:exports", args=[campaign.pk])).status_code == 403


def test_dashboard_needs_sign_in_and_shows_only_ones_own_organisations(client, campaign, owner, member, outsider):
    assert client.get(reverse("console:dashboard"))["Location"].startswith(reverse("login"))
    for user in (owner, member):
        client.force_login(user)
        assert campaign.name in client.get(reverse("console:dashboard")).content.decode()
    client.force_login(outsider)
    page = client.get(reverse("console:dashboard")).content.decode()
    assert campaign.name not in page and campaign.organisation.name_en not in page


def test_invitation_tokens_need_the_server_key(campaign):
    invitation, token = invitation_create(campaign=campaign)
    assert invitation_token(invitation=invitation) == token  # the server can send it again
    assert token not in invitation.token_nonce and invitation.token_hash == token_hash(token)
    with override_settings(INVITATION_TOKEN_KEY="another-key"):
        assert invitation_token(invitation=invitation) != token  # the database alone is not enough
