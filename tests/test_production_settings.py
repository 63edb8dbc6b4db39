"""Production settings that are honest: read from the real environment of a fresh process
(not override_settings), and a deployment check that refuses silent e-mail and demo logins."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.demo import DEMO_SLUG, demo_users_ensure

from .test_exports import _database_url

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "readiness.example.com",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def environment(**extra):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return base | PRODUCTION | extra


def settings_in_a_fresh_process(names, **env):
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environment(DJANGO_SETTINGS_MODULE="config.settings", **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_token_key_and_smtp_settings_come_from_the_environment():
    read = settings_in_a_fresh_process(
        [
            "INVITATION_TOKEN_KEY",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_TLS",
            "EMAIL_USE_SSL",
            "EMAIL_TIMEOUT",
        ],
        INVITATION_TOKEN_KEY="links-key-42",
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="mailer",
        EMAIL_HOST_PASSWORD="pa55",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="7",
    )
    assert read == {
        "INVITATION_TOKEN_KEY": "links-key-42",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "pa55",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 7,
    }


def test_the_token_key_from_the_environment_changes_the_links(campaign):
    """The same invitation gives a different link under another INVITATION_TOKEN_KEY, in a real process."""
    script = "import django; django.setup(); import assessment.tokens as t; print(t._key().decode())"
    env = environment(DJANGO_SETTINGS_MODULE="config.settings", INVITATION_TOKEN_KEY="links-key-42")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "links-key-42", done.stderr


def test_database_timeouts_on_postgresql():
    read = settings_in_a_fresh_process(
        ["DATABASES"],
        DATABASE_URL="postgres://u@db.example.com:5432/prod",
        DB_CONNECT_TIMEOUT="3",
        DB_STATEMENT_TIMEOUT_MS="15000",
    )
    options = read["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 3
    assert "-c statement_timeout=15000" in options["options"]
    assert "-c idle_in_transaction_session_timeout=60000" in options["options"]


def deploy_check(**env):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "ERROR"],
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_refuses_the_console_email_backend():
    done = deploy_check(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert done.returncode != 0
    assert "assessment.E101" in done.stderr and "would never reach anyone" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_deploy_check_refuses_demo_logins_until_their_password_is_changed(campaign):
    demo_users_ensure(organisation=campaign.organisation)
    done = deploy_check(DATABASE_URL=_database_url())
    assert done.returncode != 0
    assert "assessment.E102" in done.stderr and "consultant, demo, executive, hr" in done.stderr
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.all():
        user.set_password(secrets.token_urlsafe(20))
        user.save()
    done = deploy_check(DATABASE_URL=_database_url())
    assert done.returncode == 0, done.stderr


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(framework, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production database"):
        call_command("seed_demo", "--no-link")
    from assessment.models import Organisation

    assert not Organisation.objects.filter(slug=DEMO_SLUG).exists()
    call_command("seed_demo", "--no-link", "--force")
    assert Organisation.objects.filter(slug=DEMO_SLUG).exists()
