"""Sign-in throttling behind a reverse proxy: the real client address (never a forged
X-Forwarded-For entry), one account per address, and one address across usernames."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from config.signin import client_ip

from .conftest import PASSWORD


def test_client_address_behind_the_documented_proxy(settings):
    factory = RequestFactory()
    settings.TRUSTED_PROXY_COUNT = 0
    direct = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "203.0.113.9"  # no proxy configured: the header is not believed
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert client_ip(proxied) == "198.51.100.7"  # the entry our proxy appended, not the forged one
    settings.TRUSTED_PROXY_COUNT = 2
    two = factory.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.2")
    assert client_ip(two) == "198.51.100.7"


def fail(client, username, address, forged="9.9.9.9"):
    return client.post(
        reverse("login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"{forged}, {address}",
    )


def test_a_forged_forwarded_address_does_not_reset_the_count(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for n in range(5):
        fail(client, "owner", "198.51.100.7", forged=f"9.9.9.{n}")  # a new forged address each time
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    locked = client.post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7",
    )
    assert locked.status_code == 429
    elsewhere = Client().post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert elsewhere.status_code == 302  # the account is not locked for everyone


def test_one_address_guessing_many_accounts_is_stopped(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IP_FAILURE_LIMIT = 6
    client = Client()
    for n in range(6):  # two tries each at three names: below the per-account limit of five
        fail(client, f"guess-{n % 3}", "198.51.100.8")
    blocked = client.post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert blocked.status_code == 429 and "_auth_user_id" not in client.session
    other_office = Client().post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other_office.status_code == 302
    assert get_user_model().objects.filter(username="owner").exists()


def test_an_account_lockout_sends_the_signal_and_one_log_line_without_the_username(owner, settings, caplog):
    from axes.signals import user_locked_out

    settings.TRUSTED_PROXY_COUNT = 1
    sent = []

    def listen(sender, **kwargs):
        sent.append(kwargs.get("kind", "account"))

    user_locked_out.connect(listen)
    try:
        with caplog.at_level("INFO"):
            client = Client()
            for _ in range(4):
                fail(client, "owner", "198.51.100.20")
            assert not sent and "locked out" not in caplog.text  # not yet
            fail(client, "owner", "198.51.100.20")
    finally:
        user_locked_out.disconnect(listen)
    assert sent == ["account"]
    lines = [r for r in caplog.records if "locked out" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelname == "WARNING" and lines[0].name == "config.signin"
    message = lines[0].getMessage()
    assert f"account limit reached (user_id={owner.pk} address=198.51.100.20 failures=5)" in message
    assert "owner" not in caplog.text and "wrong" not in caplog.text  # neither username nor password, anywhere


def test_an_address_lockout_is_logged_with_an_unknown_account_as_unknown(db, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IP_FAILURE_LIMIT = 6
    with caplog.at_level("INFO"):
        client = Client()
        for n in range(6):
            fail(client, f"guess-{n % 3}", "198.51.100.21")
    lines = [r.getMessage() for r in caplog.records if "locked out" in r.getMessage()]
    assert (
        lines == [lines[0]] and "address limit reached (user_id=unknown address=198.51.100.21 failures=6)" in lines[0]
    )
    assert "guess-" not in caplog.text
